using System.Net;
using System.Net.Sockets;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Accounts;

/// <summary>
/// Each limit answers as specified for HTTP, CONNECT and SOCKS5 (429 <c>rate-limited</c> with <c>Retry-After</c>,
/// 403 <c>quota-exhausted</c>, SOCKS5 reply 0x02), another account is served meanwhile, and a running tunnel is cut
/// once its account's byte quota is spent.
/// </summary>
public sealed class AccountLimitTests(AccountLimitTests.Fixture fixture) : IClassFixture<AccountLimitTests.Fixture>
{
    private const string Password = "limit-pass-1";

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 62;

        protected override int UpstreamCount => 4;
    }

    private IPEndPoint Gateway => fixture.Product.GatewayEndpoint;

    private Uri Origin => fixture.World.Origin.HttpUrl;

    [Fact]
    public async Task MaxConcurrent_Reached_Answers429RateLimitedForHttpConnectAndSocks5_OtherAccountServed()
    {
        await AddAsync("conc1", new AccountLimitsDto(MaxConcurrent: 1));
        (string head, TcpClient? held, _) = await AccountClients.ConnectAsync(Gateway, "conc1", Password, Origin);
        Assert.StartsWith("HTTP/1.1 200", head);

        using (held)
        {
            ClientExchange http = await AccountClients.HttpGetAsync(Gateway, "conc1", Password, fixture.OriginUrl("ip"));
            (string connectHead, _, _) = await AccountClients.ConnectAsync(Gateway, "conc1", Password, Origin);
            (byte socksReply, _, _) = await AccountClients.Socks5Async(Gateway, "conc1", Password, Origin);
            ClientExchange other = await AccountClients.HttpGetAsync(Gateway, TestConfigs.User, TestConfigs.Password, fixture.OriginUrl("ip"));

            Assert.StartsWith("HTTP/1.1 429", http.StatusLine);
            Assert.Contains("X-ProxyRotator-Error: rate-limited", http.Head);
            Assert.Contains("Retry-After: 1", http.Head);
            Assert.StartsWith("HTTP/1.1 429", connectHead);
            Assert.Contains("Retry-After:", connectHead);
            Assert.Equal(0x02, socksReply);
            Assert.Equal("HTTP/1.1 200 OK", other.StatusLine);
        }

        // The held tunnel's permit comes back when it ends.
        await WaitUntilAsync(async () => (await AccountClients.HttpGetAsync(Gateway, "conc1", Password, fixture.OriginUrl("ip"))).StatusLine == "HTTP/1.1 200 OK");
    }

    [Fact]
    public async Task RequestsPerSecond_Exceeded_Answers429WithRetryAfterForHttpConnectAndSocks5_OtherAccountServed()
    {
        await AddAsync("rps1", new AccountLimitsDto(RequestsPerSecond: 1));

        // A bucket of one request a second: of ten requests sent at once, at most a few can pass.
        ClientExchange[] http = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => AccountClients.HttpGetAsync(Gateway, "rps1", Password, fixture.OriginUrl("ip"))));
        string[] connect = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            (string head, TcpClient? client, CountingStream? _) = await AccountClients.ConnectAsync(Gateway, "rps1", Password, Origin);
            client?.Dispose();
            return head;
        }));
        byte[] socks = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            (byte reply, TcpClient? client, CountingStream? _) = await AccountClients.Socks5Async(Gateway, "rps1", Password, Origin);
            client?.Dispose();
            return reply;
        }));
        ClientExchange[] other = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => AccountClients.HttpGetAsync(Gateway, TestConfigs.User, TestConfigs.Password, fixture.OriginUrl("ip"))));

        ClientExchange? refused = http.FirstOrDefault(e => e.StatusLine.StartsWith("HTTP/1.1 429", StringComparison.Ordinal));
        Assert.NotNull(refused);
        Assert.Contains("X-ProxyRotator-Error: rate-limited", refused.Head);
        Assert.Contains("Retry-After: ", refused.Head);
        Assert.Contains(connect, h => h.StartsWith("HTTP/1.1 429", StringComparison.Ordinal) && h.Contains("Retry-After: ", StringComparison.Ordinal));
        Assert.Contains(socks, r => r == 0x02);
        Assert.All(other, e => Assert.Equal("HTTP/1.1 200 OK", e.StatusLine));
    }

    [Fact]
    public async Task BytesPerDay_Spent_Answers403QuotaExhaustedForHttpConnectAndSocks5_OtherAccountServed()
    {
        await AddAsync("quota1", new AccountLimitsDto(BytesPerDay: 10_000));
        ClientExchange first = await AccountClients.HttpGetAsync(Gateway, "quota1", Password, fixture.OriginUrl("bytes/20000"));
        Assert.Equal("HTTP/1.1 200 OK", first.StatusLine);

        ClientExchange http = await AccountClients.HttpGetAsync(Gateway, "quota1", Password, fixture.OriginUrl("ip"));
        (string connectHead, _, _) = await AccountClients.ConnectAsync(Gateway, "quota1", Password, Origin);
        (byte socksReply, _, _) = await AccountClients.Socks5Async(Gateway, "quota1", Password, Origin);
        ClientExchange other = await AccountClients.HttpGetAsync(Gateway, TestConfigs.User, TestConfigs.Password, fixture.OriginUrl("ip"));

        Assert.StartsWith("HTTP/1.1 403", http.StatusLine);
        Assert.Contains("X-ProxyRotator-Error: quota-exhausted", http.Head);
        Assert.StartsWith("HTTP/1.1 403", connectHead);
        Assert.Contains("X-ProxyRotator-Error: quota-exhausted", connectHead);
        Assert.Equal(0x02, socksReply);
        Assert.Equal("HTTP/1.1 200 OK", other.StatusLine);
    }

    [Fact]
    public async Task ConnectTunnel_QuotaSpentWhileRunning_IsCut()
    {
        await AddAsync("cutconnect", new AccountLimitsDto(BytesPerDay: 200_000));
        (string head, TcpClient? client, CountingStream? stream) = await AccountClients.ConnectAsync(Gateway, "cutconnect", Password, Origin);
        Assert.StartsWith("HTTP/1.1 200", head);
        using (client)
        {
            long received = await AccountClients.GetThroughTunnelAsync(stream!, Origin, "bytes/20000000");

            Assert.InRange(received, 1, 2_000_000); // of 20 MB asked for: cut soon after 200 kB
        }
    }

    [Fact]
    public async Task Socks5Tunnel_QuotaSpentWhileRunning_IsCut()
    {
        await AddAsync("cutsocks", new AccountLimitsDto(BytesPerMonth: 200_000));
        (byte reply, TcpClient? client, CountingStream? stream) = await AccountClients.Socks5Async(Gateway, "cutsocks", Password, Origin);
        Assert.Equal(0, reply);
        using (client)
        {
            long received = await AccountClients.GetThroughTunnelAsync(stream!, Origin, "bytes/20000000");

            Assert.InRange(received, 1, 2_000_000);
        }

        (byte after, _, _) = await AccountClients.Socks5Async(Gateway, "cutsocks", Password, Origin);
        Assert.Equal(0x02, after);
    }

    [Fact]
    public async Task SetLimits_ThroughApi_TakeEffectAtOnce()
    {
        await AddAsync("later1", null);
        Assert.Equal("HTTP/1.1 200 OK", (await AccountClients.HttpGetAsync(Gateway, "later1", Password, fixture.OriginUrl("bytes/5000"))).StatusLine);

        await AccountClients.UpdateAccountAsync(fixture.Product, "later1", new UpdateAccountRequest(Limits: new AccountLimitsDto(BytesPerDay: 1_000)));

        Assert.StartsWith("HTTP/1.1 403", (await AccountClients.HttpGetAsync(Gateway, "later1", Password, fixture.OriginUrl("ip"))).StatusLine);
    }

    private Task<AccountSecretDto> AddAsync(string name, AccountLimitsDto? limits) =>
        AccountClients.AddAccountAsync(fixture.Product, new AddAccountRequest(name, Password, Limits: limits));

    /// <summary>Polls <paramref name="condition"/>; the 30-second bound only ends a failing run (a loaded machine may need seconds).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the condition never held");
    }
}
