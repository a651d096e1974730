using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProxyRotator.Gateway.Security;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// Issue 10 §3 and §5: literal-address edge cases and SOCKS5 garbage, with private targets allowed (the loosest
/// policy): every one gets an answer with a code, never a hang or an unhandled exception.
/// </summary>
public sealed class HostileClientTests(HostileClientTests.Fixture fixture) : IClassFixture<HostileClientTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 42;

        protected override int UpstreamCount => 4;

        /// <summary>Far above the waits below: an answer that comes is the handler's, never the timeout's.</summary>
        protected override void ConfigureGateway(Core.Configuration.GatewayOptions gateway) => gateway.HeaderTimeout = HeaderTimeout;

        protected override void ConfigureServices(IServiceCollection services) =>
            services.Replace(ServiceDescriptor.Singleton<ITargetNameResolver>(new AliasResolver(OriginAlias, IPAddress.Parse(World.Origin.HttpUrl.Host))));
    }

    private const string OriginAlias = "origin-alias.test";

    private static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(15);

    private sealed class AliasResolver(string alias, IPAddress address) : ITargetNameResolver
    {
        public Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(name == alias ? [address] : Array.Empty<IPAddress>());
    }

    private int AdminPort => fixture.Product.AdminUri.Port;

    private string Authorization => GatewayRawClient.Basic(TestConfigs.User, TestConfigs.Password);

    [Fact]
    public async Task AbsoluteForm_ScopedIPv6LoopbackToAdmin_Refused403()
    {
        // Raw: curl drops the zone id before sending.
        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            $"GET http://[::1%251]:{AdminPort}/metrics HTTP/1.1\r\nHost: [::1%251]:{AdminPort}\r\nProxy-Authorization: {Authorization}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403", response);
        Assert.Contains("X-ProxyRotator-Error: target-forbidden", response);
    }

    [Fact]
    public async Task AbsoluteForm_AliasOfOriginThroughLocalUpstream_ServedThroughTheCheckedAddress()
    {
        // The upstream cannot resolve the alias itself: only the address the gateway checked gets it there.
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-f", $"http://{OriginAlias}:{fixture.World.Origin.HttpUrl.Port}/ip"]);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Socks5_AliasOfOriginThroughLocalUpstream_Connects()
    {
        byte reply = await GatewayRawClient.Socks5ConnectDomainAsync(fixture.Product.GatewayEndpoint, TestConfigs.User, TestConfigs.Password, OriginAlias, fixture.World.Origin.HttpUrl.Port);

        Assert.Equal(0x00, reply);
    }

    [Theory]
    [InlineData("[::1%1]")]
    [InlineData("[fe80::1%1]")]
    public async Task Connect_ScopedIPv6Literal_Answers400WithCode(string host)
    {
        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            $"CONNECT {host}:{AdminPort} HTTP/1.1\r\nProxy-Authorization: {Authorization}\r\n\r\n");

        // The CONNECT head parser refuses a zone id in the authority (it names no host a client may reach).
        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.Contains("X-ProxyRotator-Error: bad-request", response);
    }

    [Fact]
    public async Task Socks5_ScopedIPv6LiteralAsDomain_ReplyNotAllowed()
    {
        byte reply = await GatewayRawClient.Socks5ConnectDomainAsync(fixture.Product.GatewayEndpoint, TestConfigs.User, TestConfigs.Password, "::1%1", AdminPort);

        Assert.Equal(0x02, reply);
    }

    [Theory]
    [InlineData("127.0.0.1.")]
    [InlineData("2130706433.")]
    [InlineData("[::ffff:0:127.0.0.1]")]
    public async Task Connect_NumericFormOfLoopbackToAdminPort_Refused403(string host)
    {
        string response = await GatewayRawClient.ExchangeAsync(fixture.Product.GatewayEndpoint,
            $"CONNECT {host}:{AdminPort} HTTP/1.1\r\nProxy-Authorization: {Authorization}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403", response);
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0x00 })]
    [InlineData(new byte[] { 0x05, 0x00, 0x41, 0x42 })]
    [InlineData(new byte[] { 0x05, 0x02, 0x00, 0x01 })]
    public async Task Socks5_GreetingWithoutUsableMethod_AnsweredAtOnce(byte[] greeting)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(greeting);

        // Well inside the header timeout: 05 FF, then the close.
        byte[] reply = new byte[8];
        int read = await ReadToCloseAsync(stream, reply).WaitAsync(AnswerWait);

        Assert.Equal([0x05, 0xFF], reply[..read]);
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x05, 0x00, 0x00, 0x00, 0x00, 0x00 })]
    public async Task Socks5_GarbageAfterVersion_AnsweredOrClosedAtOnce(byte[] garbage)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(garbage);

        byte[] reply = new byte[16];
        int read = await ReadToCloseAsync(stream, reply).WaitAsync(AnswerWait);

        Assert.True(read == 0 || (reply[0] == 0x05 && reply[1] == 0xFF), $"answered {Convert.ToHexString(reply, 0, read)}");
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x03)]
    public async Task Socks5_BindOrUdpAssociateWithZeroAddress_AnswersCommandNotSupported(byte command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        Assert.Equal(0x00, await GatewayRawClient.Socks5LoginAsync(stream, TestConfigs.User, TestConfigs.Password));

        // Clients send DST 0.0.0.0:0 for BIND and UDP ASSOCIATE when they do not know it yet.
        await stream.WriteAsync(new byte[] { 0x05, command, 0x00, 0x01, 0, 0, 0, 0, 0, 0 });
        byte[] reply = new byte[10];
        await stream.ReadExactlyAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0x07, reply[1]);
    }

    private static async Task<int> ReadToCloseAsync(NetworkStream stream, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(total));
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
