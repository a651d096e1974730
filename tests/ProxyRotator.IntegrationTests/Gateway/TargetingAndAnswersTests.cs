using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>Targeting through the username, and the gateway's answers to bad clients (design §3).</summary>
public sealed class TargetingAndAnswersTests(TargetingAndAnswersTests.Fixture fixture) : IClassFixture<TargetingAndAnswersTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        public RecordingCompletionSink Completed { get; } = new();

        protected override byte Subnet => 2;

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IRequestCompletionSink>(Completed);
    }

    [Fact]
    public async Task CountryDe_OnlyDeExits()
    {
        var deExits = fixture.World.Upstreams.Where(u => u.Country == "DE").Select(u => u.ExitAddress.ToString()).ToHashSet();

        IReadOnlyList<string> exits = await ExitsAsync(TestConfigs.User + "-country-de", 40);

        Assert.Equal(40, exits.Count);
        Assert.All(exits, exit => Assert.Contains(exit, deExits));
        Assert.True(exits.Distinct().Count() > 1, "country targeting should still rotate among DE upstreams");
    }

    [Fact]
    public async Task TypeMobile_OnlyMobileExits()
    {
        var mobileExits = fixture.World.Upstreams.Where(u => u.Type == UpstreamType.Mobile).Select(u => u.ExitAddress.ToString()).ToHashSet();

        IReadOnlyList<string> exits = await ExitsAsync(TestConfigs.User + "-type-mobile", 30);

        Assert.Equal(30, exits.Count);
        Assert.All(exits, exit => Assert.Contains(exit, mobileExits));
    }

    [Fact]
    public async Task ImpossibleCombination_Answers503AtOnce()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User + "-type-mobile-country-br"), "-D", "-", "-o", "/dev/null",
            fixture.OriginUrl("impossible-combination")]);

        Assert.StartsWith("HTTP/1.1 503", result.Output);
        Assert.Contains("X-ProxyRotator-Error: no-upstream", result.Output);

        // "At once": decided before any upstream was tried, so no connect or response timeout can have been spent. The
        // gateway's own record says so; a clock around it would only measure how loaded the machine is.
        RequestSummary summary = (await fixture.Completed.WaitForAsync(s => s.TargetUri?.AbsolutePath == "/impossible-combination"))[0];
        Assert.Equal(0, summary.Attempts);
        Assert.Null(summary.UpstreamId);
        Assert.Equal("no-upstream", summary.ErrorCode);
    }

    [Fact]
    public async Task ImpossibleCombination_Connect_Answers503()
    {
        CurlResult result = await Curl.RunAsync(["-k", "-x", fixture.Product.ProxyUrl(TestConfigs.User + "-country-br"), "-v", fixture.OriginHttpsUrl()]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("< HTTP/1.1 503", result.Error);
        Assert.Contains("X-ProxyRotator-Error: no-upstream", result.Error);
    }

    [Fact]
    public async Task WrongPassword_Http_Answers407WithChallenge()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User, "wrong"), "-D", "-", "-o", "/dev/null", fixture.OriginUrl()]);

        Assert.StartsWith("HTTP/1.1 407", result.Output);
        Assert.Contains("Proxy-Authenticate: Basic realm=\"proxyrotator\"", result.Output);
        Assert.Contains("X-ProxyRotator-Error: auth-required", result.Output);
    }

    [Fact]
    public async Task MissingCredentials_Connect_Answers407()
    {
        string proxy = $"http://{fixture.Product.GatewayEndpoint}";
        CurlResult result = await Curl.RunAsync(["-k", "-x", proxy, "-v", fixture.OriginHttpsUrl()]);

        Assert.Contains("< HTTP/1.1 407", result.Error);
        Assert.Contains("Proxy-Authenticate: Basic realm=\"proxyrotator\"", result.Error);
    }

    [Fact]
    public async Task WrongPassword_Socks5_FailsAuthentication()
    {
        (byte version, byte status) = await Socks5AuthAsync(TestConfigs.User, "wrong");

        Assert.Equal(0x01, version);
        Assert.NotEqual(0x00, status);
    }

    [Fact]
    public async Task MalformedTargeting_Socks5_FailsAuthentication()
    {
        (_, byte status) = await Socks5AuthAsync(TestConfigs.User + "-type-spaceship", TestConfigs.Password);

        Assert.NotEqual(0x00, status);
    }

    [Fact]
    public async Task MalformedTargeting_Answers400NamingTheParameter()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User + "-type-spaceship"), "-D", "-", fixture.OriginUrl()]);

        Assert.StartsWith("HTTP/1.1 400", result.Output);
        Assert.Contains("X-ProxyRotator-Error: bad-targeting", result.Output);
        Assert.Contains("'type'", result.Output);
    }

    [Fact]
    public async Task HugeHeader_Http_Answers431()
    {
        string big = "X-Big: " + new string('a', 100 * 1024);
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-H", big, "-o", "/dev/null", "-w", "%{http_code}", fixture.OriginUrl()]);

        Assert.Equal("431", result.Output);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task HugeHeader_Connect_Answers431()
    {
        string big = "X-Big: " + new string('a', 100 * 1024);
        CurlResult result = await Curl.RunAsync(["-k", "-x", fixture.Product.ProxyUrl(TestConfigs.User), "--proxy-header", big, "-v", fixture.OriginHttpsUrl()]);

        Assert.Contains("< HTTP/1.1 431", result.Error);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task OriginFormRequest_Answers400NotTheAdminApi()
    {
        CurlResult result = await Curl.RunAsync(["-D", "-", $"http://{fixture.Product.GatewayEndpoint}/api/pools"]);

        Assert.StartsWith("HTTP/1.1 400", result.Output);
        Assert.Contains("X-ProxyRotator-Error: bad-request", result.Output);
    }

    [Fact]
    public async Task ForwardedRequest_RevealsNothingAboutTheClient()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-H", "Proxy-Connection: keep-alive", "-D", "-", fixture.OriginUrl("headers")]);

        Assert.StartsWith("HTTP/1.1 200", result.Output);
        Assert.Contains("X-ProxyRotator-Upstream: ", result.Output);
        string body = result.Output[result.Output.IndexOf("\r\n\r\n", StringComparison.Ordinal)..].ToLowerInvariant();
        Assert.DoesNotContain("proxy-authorization", body);
        Assert.DoesNotContain("proxy-connection", body);
        Assert.DoesNotContain("x-forwarded", body);
        Assert.DoesNotContain("\"via\"", body);
        Assert.DoesNotContain("traceparent", body);
        Assert.DoesNotContain(TestConfigs.Password, body);
    }

    [Fact]
    public async Task MalformedConnectHead_Answers400()
    {
        string response = await RawExchangeAsync("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost : x\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", response);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task SlowConnectHead_IsCutOffAfterHeaderTimeout()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync("CONNECT 127.0.0.1:1 HTTP/1.1\r\n"u8.ToArray());

        var watch = Stopwatch.StartNew();
        int read = await stream.ReadAsync(new byte[256]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, read);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task SlowSocks5Handshake_IsCutOffAfterHeaderTimeout()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x05 });

        int read = await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task Socks5WithoutUserPasswordMethod_IsRefused()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x00 });
        byte[] reply = new byte[2];
        await stream.ReadExactlyAsync(reply);

        Assert.Equal(new byte[] { 0x05, 0xFF }, reply);
    }

    [Fact]
    public async Task Socks5BindCommand_AnswersCommandNotSupported()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await Socks5LoginAsync(stream, TestConfigs.User, TestConfigs.Password);
        await stream.WriteAsync(new byte[] { 0x05, 0x02, 0x00, 0x01, 127, 0, 0, 1, 0, 80 });
        byte[] reply = new byte[10];
        await stream.ReadExactlyAsync(reply);

        Assert.Equal(0x07, reply[1]);
    }

    [Fact]
    public async Task Socks5UnknownAddressType_AnswersAddressTypeNotSupported()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await Socks5LoginAsync(stream, TestConfigs.User, TestConfigs.Password);
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x00, 0x09, 1, 2, 3, 4, 0, 80 });
        byte[] reply = new byte[10];
        await stream.ReadExactlyAsync(reply);

        Assert.Equal(0x08, reply[1]);
    }

    [Fact]
    public async Task Socks5NoMatchingUpstream_AnswersNetworkUnreachable()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await Socks5LoginAsync(stream, TestConfigs.User + "-country-br", TestConfigs.Password);
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0, 80 });
        byte[] reply = new byte[10];
        await stream.ReadExactlyAsync(reply);

        Assert.Equal(0x03, reply[1]);
    }

    private async Task<IReadOnlyList<string>> ExitsAsync(string username, int count)
    {
        var args = new List<string> { "-x", fixture.Product.ProxyUrl(username), "--write-out", "\\n" };
        args.AddRange(Enumerable.Repeat(fixture.OriginUrl("ip"), count));
        CurlResult result = await Curl.RunAsync(args);
        Assert.Equal(0, result.ExitCode);
        return result.Lines;
    }

    private async Task AssertStillServingAsync()
    {
        CurlResult ok = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-f", fixture.OriginUrl("ip")]);
        Assert.Equal(0, ok.ExitCode);
    }

    private async Task<string> RawExchangeAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task<(byte Version, byte Status)> Socks5AuthAsync(string username, string password)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        return await Socks5LoginCoreAsync(stream, username, password);
    }

    private static async Task Socks5LoginAsync(NetworkStream stream, string username, string password)
    {
        (_, byte status) = await Socks5LoginCoreAsync(stream, username, password);
        Assert.Equal(0x00, status);
    }

    private static async Task<(byte Version, byte Status)> Socks5LoginCoreAsync(NetworkStream stream, string username, string password)
    {
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x02 });
        byte[] method = new byte[2];
        await stream.ReadExactlyAsync(method);
        Assert.Equal(new byte[] { 0x05, 0x02 }, method);
        byte[] user = Encoding.UTF8.GetBytes(username);
        byte[] pass = Encoding.UTF8.GetBytes(password);
        await stream.WriteAsync((byte[])[0x01, (byte)user.Length, .. user, (byte)pass.Length, .. pass]);
        byte[] status = new byte[2];
        await stream.ReadExactlyAsync(status);
        return (status[0], status[1]);
    }
}
