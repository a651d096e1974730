using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// The HTTP relay's spliced response bodies (Linux, <c>splice(2)</c>): large Content-Length bodies go from the upstream's
/// socket to the client's through one pipe per client connection, byte for byte; the pipe's descriptors live as long as
/// the connection. Alone after the parallel tests: they count the process's pipe descriptors.
/// </summary>
[Collection(SerialSpliceCollection.Name)]
public sealed class HttpRelaySpliceTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new();
    private readonly ScriptedHttpUpstream _upstream = new(IPAddress.Parse("127.0.97.2"));
    private ProductHost _product = null!;

    public async Task InitializeAsync()
    {
        ProxyRotatorConfig config = TestConfigs.Create(_directory.File("proxyrotator.db"),
            [new PoolOptions { Name = "scripted", Proxies = [Entry($"http://{_upstream.Endpoint}")] }]);
        _product = await ProductHost.StartAsync(config);
        _upstream.Answer = async (request, stream) =>
        {
            if (!request.Target.StartsWith("http://127.0.97.201/", StringComparison.Ordinal))
            {
                return await ScriptedHttpUpstream.DefaultAsync(request, stream);
            }

            // /body/LENGTH answers LENGTH bytes; /short/LENGTH promises LENGTH and closes after half of them.
            string[] path = new Uri(request.Target).AbsolutePath.Split('/');
            int length = int.Parse(path[2], System.Globalization.CultureInfo.InvariantCulture);
            byte[] body = Body(length);
            bool complete = path[1] == "body";
            await ScriptedHttpUpstream.WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n");
            await stream.WriteAsync(complete ? body : body.AsMemory(0, length / 2));
            return complete;
        };
    }

    public async Task DisposeAsync()
    {
        await _product.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Relay_LargeContentLengthBodies_ByteExactOnOneConnectionThroughOnePipeClosedWithIt()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int pipesBefore = PipeDescriptors();
        int[] lengths = [200_000, 100 * 1024, 17, 3 * 1024 * 1024 + 1, 64 * 1024, 1_000_000];
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(_product.GatewayEndpoint);
            NetworkStream stream = client.GetStream();
            foreach (int length in lengths)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(Get($"/body/{length}")));
                (string head, byte[] body) = await ReadResponseAsync(stream, length);

                Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
                Assert.Equal(Body(length), body);
            }

            // One pipe (two descriptors) for the client connection, reused for each large body.
            Assert.Equal(pipesBefore + 2, PipeDescriptors());
        }

        using var waited = new CancellationTokenSource(_timeout);
        while (PipeDescriptors() != pipesBefore)
        {
            await Task.Delay(10, waited.Token);
        }
    }

    [Fact]
    public async Task Relay_UpstreamClosesMidBody_ClientGetsTheBytesSentThenACloseAndTheUpstreamIsBlamed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        UpstreamProxy upstream = Assert.Single(_product.Services.GetRequiredService<IPoolSnapshotSource>().Current.All);
        long failuresBefore = upstream.Runtime.Failures;
        using var client = new TcpClient();
        await client.ConnectAsync(_product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Get("/short/400000")));
        (string head, byte[] received) = await ReadResponseAsync(stream, 400_000);

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Equal(Body(400_000).AsSpan(0, 200_000).ToArray(), received);
        using var waited = new CancellationTokenSource(_timeout);
        while (upstream.Runtime.Failures == failuresBefore)
        {
            await Task.Delay(10, waited.Token);
        }
    }

    private static string Get(string path) =>
        $"GET http://127.0.97.201{path} HTTP/1.1\r\nHost: 127.0.97.201\r\nProxy-Authorization: {GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password)}\r\n\r\n";

    private static byte[] Body(int length)
    {
        byte[] body = new byte[length];
        new Random(length).NextBytes(body);
        return body;
    }

    /// <summary>The descriptors of this process that are pipes (the relay's splice pipes among them).</summary>
    private static int PipeDescriptors() => new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
        .Count(fd => fd.LinkTarget is { } target && target.StartsWith("pipe:", StringComparison.Ordinal));

    /// <summary>A head, then up to <paramref name="length"/> body bytes: fewer when the gateway closes first.</summary>
    private static async Task<(string Head, byte[] Body)> ReadResponseAsync(NetworkStream stream, int length)
    {
        var buffered = new List<byte>();
        byte[] chunk = new byte[64 * 1024];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffered)) < 0)
        {
            int read = await stream.ReadAsync(chunk).AsTask().WaitAsync(_timeout);
            Assert.True(read > 0, "the gateway closed the connection before the head's end");
            buffered.AddRange(chunk.AsSpan(0, read));
        }

        string head = Encoding.Latin1.GetString([.. buffered.GetRange(0, headEnd + 4)]);
        buffered.RemoveRange(0, headEnd + 4);
        while (buffered.Count < length)
        {
            int read = await stream.ReadAsync(chunk).AsTask().WaitAsync(_timeout);
            if (read == 0)
            {
                break;
            }

            buffered.AddRange(chunk.AsSpan(0, read));
        }

        return (head, [.. buffered]);
    }

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (int i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private static ProxyEntryOptions Entry(string url)
    {
        Assert.True(UpstreamEndpoint.TryParse(url, out UpstreamEndpoint? endpoint, out string? error), error);
        return new ProxyEntryOptions { Endpoint = endpoint! };
    }
}
