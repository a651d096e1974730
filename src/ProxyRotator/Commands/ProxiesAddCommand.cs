using System.CommandLine;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary><c>proxies add URL --pool P [--type T] [--country CC] [--city C]</c>.</summary>
public static class ProxiesAddCommand
{
    public static Command Create()
    {
        var connection = new AdminConnectionOptions();
        var url = new Argument<string>("URL") { Description = "http://[user:pass@]host:port or socks5://[user:pass@]host:port" };
        var pool = new Option<string>("--pool") { Description = "Pool to add it to", Required = true };
        var type = new Option<string?>("--type") { Description = "residential, mobile, datacenter or isp (default: the pool's)" };
        var country = new Option<string?>("--country") { Description = "Declared ISO country code" };
        var city = new Option<string?>("--city") { Description = "Declared city" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };

        var command = new Command("add", "Add one upstream to a pool; it starts as pending until its first health check");
        command.Arguments.Add(url);
        command.Options.Add(pool);
        command.Options.Add(type);
        command.Options.Add(country);
        command.Options.Add(city);
        command.Options.Add(json);
        connection.AddTo(command);

        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            UpstreamDto added = await api.AddProxyAsync(
                new AddUpstreamRequest
                {
                    Url = parse.GetValue(url),
                    Pool = parse.GetValue(pool),
                    Type = parse.GetValue(type),
                    Country = parse.GetValue(country),
                    City = parse.GetValue(city),
                },
                ct);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(output, added);
            }
            else
            {
                await output.WriteLineAsync($"added upstream {added.Id} {added.Url} to pool {added.Pool} ({added.Type}, {added.Status})");
            }

            return AdminCommandAction.Success;
        });
        return command;
    }
}
