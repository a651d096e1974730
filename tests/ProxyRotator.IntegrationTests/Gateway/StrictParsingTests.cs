using System.Net.Sockets;
using System.Text;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// Issue 10 §4: absolute-form requests are held to the same strict parser as CONNECT, on every request of a
/// kept-alive connection; every refusal carries <c>X-ProxyRotator-Error</c>. Raw sockets: curl sends none of this.
/// </summary>
public sealed class StrictParsingTests(StrictParsingTests.Fixture fixture) : IClassFixture<StrictParsingTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 44;

        protected override int UpstreamCount => 2;
    }

    private string Origin => fixture.World.Origin.HttpUrl.Authority;

    private string Auth => "Proxy-Authorization: " + GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password) + "\r\n";

    public static TheoryData<string, string> HostileHeads => new()
    {
        { "signed Content-Length", "POST http://{0}/echo HTTP/1.1\r\nHost: {0}\r\n{1}Content-Length: +5\r\n\r\nhello" },
        { "non-digit Content-Length", "POST http://{0}/echo HTTP/1.1\r\nHost: {0}\r\n{1}Content-Length: 5x\r\n\r\nhello" },
        { "conflicting Content-Length", "POST http://{0}/echo HTTP/1.1\r\nHost: {0}\r\n{1}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello" },
        { "Content-Length and Transfer-Encoding", "POST http://{0}/echo HTTP/1.1\r\nHost: {0}\r\n{1}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" },
        { "Transfer-Encoding not ending in chunked", "POST http://{0}/echo HTTP/1.1\r\nHost: {0}\r\n{1}Transfer-Encoding: gzip\r\n\r\nhello" },
        { "bare LF", "GET http://{0}/ip HTTP/1.1\nHost: {0}\n{1}\n" },
        { "obs-fold", "GET http://{0}/ip HTTP/1.1\r\nHost: {0}\r\n{1}X-Folded: a\r\n  b\r\n\r\n" },
        { "absurd method", new string('A', 4096) + " http://{0}/ip HTTP/1.1\r\nHost: {0}\r\n{1}\r\n" },
        { "space before colon", "GET http://{0}/ip HTTP/1.1\r\nHost : {0}\r\n{1}\r\n" },
    };

    [Theory]
    [MemberData(nameof(HostileHeads))]
    public async Task AbsoluteForm_HostileHead_400BadRequestWithCode(string name, string template)
    {
        string request = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Origin, name.Contains("LF", StringComparison.Ordinal) ? Auth.Replace("\r\n", "\n", StringComparison.Ordinal) : Auth);

        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint, request);

        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("X-ProxyRotator-Error: bad-request", response);
    }

    [Fact]
    public async Task AbsoluteForm_OversizedHead_431WithCode()
    {
        string request = $"GET http://{Origin}/ip HTTP/1.1\r\nHost: {Origin}\r\n{Auth}X-Big: {new string('a', 40 * 1024)}\r\n\r\n";

        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint, request);

        Assert.StartsWith("HTTP/1.1 431", response);
        Assert.Contains("X-ProxyRotator-Error: header-too-large", response);
    }

    [Fact]
    public async Task KeepAlive_SecondHeadHostile_FirstServedSecondRefused()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();

        string first = await GatewayRawClient.FirstResponseHeadAsync(stream, $"GET http://{Origin}/ip HTTP/1.1\r\nHost: {Origin}\r\n{Auth}\r\n");
        Assert.StartsWith("HTTP/1.1 200", first);
        await SkipBodyAsync(stream, first);

        string second = await GatewayRawClient.FirstResponseHeadAsync(stream, $"POST http://{Origin}/echo HTTP/1.1\r\nHost: {Origin}\r\n{Auth}Content-Length: +5\r\n\r\nhello");
        Assert.StartsWith("HTTP/1.1 400", second);
        Assert.Contains("X-ProxyRotator-Error: bad-request", second);
    }

    [Fact]
    public async Task KeepAlive_BodiesFramedThenNextRequest_AllServed()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();

        string chunked = await GatewayRawClient.FirstResponseHeadAsync(stream,
            $"POST http://{Origin}/echo HTTP/1.1\r\nHost: {Origin}\r\n{Auth}Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", chunked);
        await SkipBodyAsync(stream, chunked);

        string sized = await GatewayRawClient.FirstResponseHeadAsync(stream, $"POST http://{Origin}/echo HTTP/1.1\r\nHost: {Origin}\r\n{Auth}Content-Length: 5\r\n\r\nhello");
        Assert.StartsWith("HTTP/1.1 200", sized);
        await SkipBodyAsync(stream, sized);

        string last = await GatewayRawClient.FirstResponseHeadAsync(stream, $"GET http://{Origin}/ip HTTP/1.1\r\nHost: {Origin}\r\n{Auth}\r\n");
        Assert.StartsWith("HTTP/1.1 200", last);
    }

    [Fact]
    public async Task AbsoluteForm_LegalRequest_StillServedByCurl()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-f", "-d", "payload", fixture.OriginUrl("echo")]);

        Assert.Equal(0, result.ExitCode);
    }

    private static async Task SkipBodyAsync(NetworkStream stream, string head)
    {
        string? lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is not null)
        {
            byte[] body = new byte[int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)];
            await stream.ReadExactlyAsync(body).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            return;
        }

        Assert.Contains("Transfer-Encoding: chunked", head);
        var reader = new StringBuilder();
        byte[] one = new byte[1];
        while (!reader.ToString().EndsWith("0\r\n\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(one).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            reader.Append((char)one[0]);
        }
    }
}
