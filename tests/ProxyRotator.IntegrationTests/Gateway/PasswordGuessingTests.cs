using System.Diagnostics;
using System.Net.Sockets;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// Issue 10 §6: wrong passwords from one client address are answered 429 after the limit, for every front end,
/// while another client address is served at full speed; counted in /metrics.
/// </summary>
public sealed class PasswordGuessingTests(PasswordGuessingTests.Fixture fixture) : IClassFixture<PasswordGuessingTests.Fixture>
{
    private const int Limit = 5;

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 43;

        protected override int UpstreamCount => 2;

        protected override void ConfigureGateway(GatewayOptions gateway)
        {
            gateway.AuthFailuresPerMinute = Limit;
            gateway.AuthCooldown = TimeSpan.FromMinutes(10);
        }
    }

    [Fact]
    public async Task WrongPasswords_AfterLimit_429ForThatAddressOnly()
    {
        // Each test class instance shares the product: this test owns source address 127.0.43.200.
        const string guesser = "127.0.43.200";
        const string bystander = "127.0.43.201";
        var statuses = new List<string>();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < Limit + 3; i++)
        {
            CurlResult wrong = await Curl.RunAsync(["--interface", guesser, "-x", fixture.Product.ProxyUrl(TestConfigs.User, "guess" + i), "-s", "-o", "/dev/null", "-w", "%{http_code}", fixture.OriginUrl("ip")]);
            statuses.Add(wrong.Output);
        }

        Assert.Equal([.. Enumerable.Repeat("407", Limit), .. Enumerable.Repeat("429", 3)], statuses);

        // The right password is not even checked during the cool-down ...
        CurlResult right = await Curl.RunAsync(["--interface", guesser, "-x", fixture.Product.ProxyUrl(TestConfigs.User), "-s", "-D", "-", "-o", "/dev/null", fixture.OriginUrl("ip")]);
        Assert.StartsWith("HTTP/1.1 429", right.Output);
        Assert.Contains("X-ProxyRotator-Error: rate-limited", right.Output);
        Assert.Contains("Retry-After: ", right.Output);

        // ... and CONNECT from the same address is refused the same way ...
        string connect = await RawFromAsync(guesser, $"CONNECT {fixture.World.Origin.HttpUrl.Authority} HTTP/1.1\r\nProxy-Authorization: {GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password)}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 429", connect);

        // ... while another client is served at once.
        CurlResult other = await Curl.RunAsync(["--interface", bystander, "-x", fixture.Product.ProxyUrl(TestConfigs.User), "-f", "-s", "-o", "/dev/null", fixture.OriginUrl("ip")]);
        Assert.Equal(0, other.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");

        using var admin = new HttpClient { BaseAddress = fixture.Product.AdminUri };
        string metrics = await admin.GetStringAsync("/metrics");
        Assert.Contains("proxyrotator_gateway_failures_total{kind=\"rate-limited\"}", metrics);
    }

    [Fact]
    public async Task Socks5WrongPasswords_AfterLimit_AuthFailsEvenWithTheRightOne()
    {
        const string guesser = "127.0.43.210";
        for (int i = 0; i < Limit; i++)
        {
            Assert.NotEqual(0x00, await Socks5LoginFromAsync(guesser, "guess" + i));
        }

        Assert.NotEqual(0x00, await Socks5LoginFromAsync(guesser, TestConfigs.Password));
        Assert.Equal(0x00, await Socks5LoginFromAsync("127.0.43.211", TestConfigs.Password));
    }

    private async Task<byte> Socks5LoginFromAsync(string source, string password)
    {
        using var client = new TcpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(source), 0));
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        return await GatewayRawClient.Socks5LoginAsync(client.GetStream(), TestConfigs.User, password);
    }

    private async Task<string> RawFromAsync(string source, string request)
    {
        using var client = new TcpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(source), 0));
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
