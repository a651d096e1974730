using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>Connection limits and cleanup: raw-handled connections count, a vanished client frees the upstream.</summary>
public sealed class ConnectionLimitTests(ConnectionLimitTests.Fixture fixture) : IClassFixture<ConnectionLimitTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 5;

        protected override int UpstreamCount => 4;

        protected override void ConfigureGateway(GatewayOptions gateway) => gateway.MaxConnections = 2;
    }

    [Fact]
    public async Task MaxConnections_CountsSocks5Connections_AndRefusesTheNextOne()
    {
        using var first = await OpenSocksAsync();
        using var second = await OpenSocksAsync();

        using var third = new TcpClient();
        await third.ConnectAsync(fixture.Product.GatewayEndpoint);
        await third.GetStream().WriteAsync(new byte[] { 0x05, 0x01, 0x02 });
        int read = await ReadOrClosedAsync(third.GetStream());

        Assert.Equal(0, read);

        first.Dispose();
        second.Dispose();

        // The slots free when the gateway has seen both closes, not after a guessed delay.
        GatewayConnectionLimiter limiter = fixture.Product.Services.GetRequiredService<GatewayConnectionLimiter>();
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (limiter.Open > 0)
            {
                await Task.Delay(20, bound.Token);
            }
        }

        CurlResult ok = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-f", fixture.OriginUrl("ip")]);
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public async Task ClientVanishesMidTransfer_UpstreamConnectionIsFreed()
    {
        // 50 MB through a CONNECT tunnel, abandoned after a moment by curl's --max-time.
        Task<CurlResult> transfer = Curl.RunAsync(["-k", "--http1.1", "--limit-rate", "1M", "--max-time", "2", "-o", "/dev/null", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginHttpsUrl("bytes/52428800")]);
        bool sawTunnel = false;
        while (!transfer.IsCompleted && !sawTunnel)
        {
            sawTunnel = fixture.World.Upstreams.Sum(u => u.Proxy.ActiveConnections) > 0;
            await Task.Delay(20);
        }

        CurlResult aborted = await transfer;
        Assert.True(sawTunnel, "the tunnel never reached an upstream");
        Assert.Equal(28, aborted.ExitCode); // curl: operation timed out, i.e. the client went away mid-transfer

        // A bound for a failing run only: a passing one leaves the loop as soon as the upstream saw the close.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (fixture.World.Upstreams.Sum(u => u.Proxy.ActiveConnections) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, fixture.World.Upstreams.Sum(u => u.Proxy.ActiveConnections));
    }

    private async Task<TcpClient> OpenSocksAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x02 });
        byte[] reply = new byte[2];
        await stream.ReadExactlyAsync(reply);
        Assert.Equal(new byte[] { 0x05, 0x02 }, reply);
        return client;
    }

    private static async Task<int> ReadOrClosedAsync(NetworkStream stream)
    {
        try
        {
            return await stream.ReadAsync(new byte[2]).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
