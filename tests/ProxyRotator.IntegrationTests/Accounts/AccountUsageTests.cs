using System.Net;
using System.Net.Sockets;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Accounts;

/// <summary>
/// Usage per account × pool × day equals what the client really moved (within 1%) for HTTP, CONNECT and SOCKS5,
/// shows in <c>/api/usage</c> and <c>/metrics</c>, and survives a restart, as do the byte totals quotas count.
/// </summary>
public sealed class AccountUsageTests(AccountUsageTests.Fixture fixture) : IClassFixture<AccountUsageTests.Fixture>
{
    private const string Password = "usage-pass-1";

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 63;

        protected override int UpstreamCount => 4;
    }

    private IPEndPoint Gateway => fixture.Product.GatewayEndpoint;

    private Uri Origin => fixture.World.Origin.HttpUrl;

    [Fact]
    public async Task Usage_HttpConnectAndSocks5_EqualsBytesTheClientMovedWithinOnePercent()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("usage1", Password));
        string upload = new('u', 150_000);

        ClientExchange get = await AccountClients.HttpGetAsync(Gateway, "usage1", Password, fixture.OriginUrl("bytes/300000"));
        ClientExchange post = await AccountClients.HttpGetAsync(Gateway, "usage1", Password, fixture.OriginUrl("echo"), upload);
        (long connectUp, long connectDown) = await TunnelAsync(connect: true, "bytes/400000", upload);
        (long socksUp, long socksDown) = await TunnelAsync(connect: false, "bytes/500000", upload);

        UsageRowDto row = Assert.Single(await AccountClients.UsageAsync(fixture.Product, "usage1"));
        long clientUp = get.BytesSent + post.BytesSent + connectUp + socksUp;
        long clientDown = get.BytesReceived + post.BytesReceived + connectDown + socksDown;
        Assert.Equal("HTTP/1.1 200 OK", get.StatusLine);
        Assert.Equal(upload.Length, post.BodyLength);
        Assert.Equal(4, row.Requests);
        Assert.Equal("simulated", row.Pool);
        AssertWithinOnePercent(clientUp, row.BytesUp);
        AssertWithinOnePercent(clientDown, row.BytesDown);
        Assert.Empty(row.Failures);
    }

    [Fact]
    public async Task Usage_AfterRestart_IsKeptAndQuotaStillSpent()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("restart1", Password, Limits: new AccountLimitsDto(BytesPerDay: 50_000)));
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "restart1", Password, fixture.OriginUrl("bytes/100000"))).StatusLine);
        ClientExchange refused = await AccountClients.HttpGetAsync(Gateway, "restart1", Password, fixture.OriginUrl("ip"));
        UsageRowDto[] before = await AccountClients.UsageAsync(fixture.Product, "restart1");

        await fixture.RestartProductAsync();

        UsageRowDto[] after = await AccountClients.UsageAsync(fixture.Product, "restart1");
        ClientExchange stillRefused = await AccountClients.HttpGetAsync(fixture.Product.GatewayEndpoint, "restart1", Password, fixture.OriginUrl("ip"));
        Assert.StartsWith("HTTP/1.1 403", refused.StatusLine);
        Assert.Equal(before.Sum(r => r.BytesDown), after.Sum(r => r.BytesDown));
        Assert.Equal(before.Sum(r => r.Requests), after.Sum(r => r.Requests));
        Assert.Equal(1, after.Sum(r => r.Failures.GetValueOrDefault("quota-exhausted")));
        Assert.StartsWith("HTTP/1.1 403", stillRefused.StatusLine);
        Assert.Contains("X-ProxyRotator-Error: quota-exhausted", stillRefused.Head);
    }

    [Fact]
    public async Task Metrics_ShowPerAccountRequestsAndBytes()
    {
        await AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest("metered1", Password));
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "metered1", Password, fixture.OriginUrl("bytes/12345"))).StatusLine);

        using HttpClient admin = AccountClients.Admin(fixture.Product);
        string metrics = await admin.GetStringAsync("/metrics");

        Assert.Contains("proxyrotator_account_requests_total{account=\"metered1\"} 1", metrics);
        Assert.Contains("proxyrotator_account_bytes_total{account=\"metered1\",direction=\"down\"} 12345", metrics);
        Assert.Contains("proxyrotator_account_quota_bytes{account=\"metered1\",period=\"day\"}", metrics);
    }

    private static void AssertWithinOnePercent(long expected, long actual) =>
        Assert.True(Math.Abs(expected - actual) <= expected / 100, $"expected {expected} ±1%, counted {actual}");

    /// <summary>One plain HTTP exchange through a tunnel; the client's bytes after the tunnel opened.</summary>
    private async Task<(long Up, long Down)> TunnelAsync(bool connect, string path, string body)
    {
        TcpClient? client;
        CountingStream? stream;
        if (connect)
        {
            (string head, client, stream) = await AccountClients.ConnectAsync(Gateway, "usage1", Password, Origin);
            Assert.StartsWith("HTTP/1.1 200", head);
        }
        else
        {
            (byte reply, client, stream) = await AccountClients.Socks5Async(Gateway, "usage1", Password, Origin);
            Assert.Equal(0, reply);
        }

        using (client)
        {
            await AccountClients.GetThroughTunnelAsync(stream!, Origin, path, body);
            return (stream!.BytesWritten, stream.BytesRead);
        }
    }
}
