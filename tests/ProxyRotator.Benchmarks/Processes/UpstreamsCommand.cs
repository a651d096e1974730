using System.Net;
using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// <c>ProxyRotator.Benchmarks upstreams --count N --user U --password P</c>: N simulated HTTP upstream proxies in this
/// process, the i-th listening on and exiting from 127.0.1.i, until standard input closes. Prints one
/// <c>upstream ADDRESS:PORT</c> line per proxy, then <c>ready</c>.
/// </summary>
internal static class UpstreamsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = Arguments.Int(args, "--count", 20);
        string user = Arguments.Text(args, "--user", "up");
        string password = Arguments.Text(args, "--password", "up-pass");
        var proxies = new List<SimulatedUpstreamProxy>();
        try
        {
            for (int i = 1; i <= count; i++)
            {
                var proxy = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
                {
                    ListenAddress = IPAddress.Parse($"127.0.1.{i}"),
                    Username = user,
                    Password = password,
                    AcceptBothSchemes = false,
                });
                proxies.Add(proxy);
                Console.WriteLine($"upstream {proxy.ListenEndPoint}");
            }

            Console.WriteLine("ready");
            Console.Out.Flush();
            while (await Console.In.ReadLineAsync() is not null)
            {
            }

            return 0;
        }
        finally
        {
            foreach (SimulatedUpstreamProxy proxy in proxies)
            {
                await proxy.DisposeAsync();
            }
        }
    }
}
