using System.Net.Sockets;
using System.Text;
using ProxyRotator.Core.Configuration;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// <c>sessions.maxPerAccount</c>: a new sticky session beyond the cap is refused (429 <c>session-limit</c>, SOCKS5
/// reply 0x02) while the account's existing sessions and its rotating requests keep working.
/// </summary>
public sealed class SessionLimitTests(SessionLimitTests.Fixture fixture) : IClassFixture<SessionLimitTests.Fixture>
{
    private const string SocksAccount = "socksuser";

    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 41;

        protected override int UpstreamCount => 4;

        /// <summary>Each test uses its own account, so each starts below the cap.</summary>
        protected override void Configure(ProxyRotatorConfig config)
        {
            config.Sessions.MaxPerAccount = 2;
            config.Users.Add(new UserOptions { Name = SocksAccount, Password = TestConfigs.Password, Pools = ["*"] });
        }
    }

    [Fact]
    public async Task NewSession_OverPerAccountCap_Answers429SessionLimit_ExistingSessionsKeepWorking()
    {
        string first = await ExitAsync(TestConfigs.User + "-session-cap1");
        string second = await ExitAsync(TestConfigs.User + "-session-cap2");

        CurlResult refused = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User + "-session-cap3"), "-D", "-", "-o", "/dev/null", fixture.OriginUrl("ip")]);
        CurlResult refusedTunnel = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User + "-session-cap4"), "-v", "-o", "/dev/null", fixture.OriginHttpsUrl("ip"), "-k"]);

        Assert.StartsWith("HTTP/1.1 429", refused.Output);
        Assert.Contains("X-ProxyRotator-Error: session-limit", refused.Output);
        Assert.Contains("< HTTP/1.1 429", refusedTunnel.Error);
        Assert.Contains("X-ProxyRotator-Error: session-limit", refusedTunnel.Error);
        Assert.Equal(first, await ExitAsync(TestConfigs.User + "-session-cap1"));
        Assert.Equal(second, await ExitAsync(TestConfigs.User + "-session-cap2"));
        Assert.NotEmpty(await ExitAsync(TestConfigs.User));
    }

    [Fact]
    public async Task Socks5NewSession_OverPerAccountCap_AnswersNotAllowed()
    {
        await ExitAsync(SocksAccount + "-session-socks1");
        await ExitAsync(SocksAccount + "-session-socks2");

        byte reply = await Socks5ConnectReplyAsync(SocksAccount + "-session-socks3");
        byte existing = await Socks5ConnectReplyAsync(SocksAccount + "-session-socks1");

        Assert.Equal(0x02, reply);
        Assert.Equal(0x00, existing);
    }

    private async Task<string> ExitAsync(string username)
    {
        CurlResult result = await Curl.RunAsync(["-f", "-x", fixture.Product.ProxyUrl(username), fixture.OriginUrl("ip")]);
        Assert.True(result.ExitCode == 0, username + ": " + result.Error);
        return result.Output.Trim();
    }

    private async Task<byte> Socks5ConnectReplyAsync(string username)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x02 });
        byte[] method = new byte[2];
        await stream.ReadExactlyAsync(method);
        byte[] user = Encoding.UTF8.GetBytes(username);
        byte[] pass = Encoding.UTF8.GetBytes(TestConfigs.Password);
        await stream.WriteAsync((byte[])[0x01, (byte)user.Length, .. user, (byte)pass.Length, .. pass]);
        byte[] auth = new byte[2];
        await stream.ReadExactlyAsync(auth);
        Assert.Equal(0x00, auth[1]);
        Uri origin = fixture.World.Origin.HttpUrl;
        byte[] address = System.Net.IPAddress.Parse(origin.Host).GetAddressBytes();
        await stream.WriteAsync((byte[])[0x05, 0x01, 0x00, 0x01, .. address, (byte)(origin.Port >> 8), (byte)origin.Port]);
        byte[] reply = new byte[10];
        await stream.ReadExactlyAsync(reply);
        return reply[1];
    }
}
