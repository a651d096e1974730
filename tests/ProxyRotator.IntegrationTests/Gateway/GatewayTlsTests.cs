using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// TLS to the gateway (issue 15 §1): curl's <c>--proxy https://</c> for CONNECT and absolute-form, SOCKS5 inside TLS
/// (curl has no SOCKS-over-TLS, so a raw <see cref="SslStream"/> client), plaintext on the same port, and the
/// certificate reload.
/// </summary>
public sealed class GatewayTlsTests(GatewayTlsTests.Fixture fixture) : IClassFixture<GatewayTlsTests.Fixture>
{
    public sealed class Fixture : TlsProductWithWorld
    {
        protected override byte Subnet => 51;
    }

    [Fact]
    public async Task HttpsProxy_Connect_ReachesHttpsOriginThroughAnUpstream()
    {
        CurlResult result = await Curl.RunAsync(["-k", "--proxy", fixture.HttpsProxyUrl(), "--proxy-cacert", fixture.CaPath, fixture.OriginHttpsUrl()]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(result.Output.Trim(), fixture.ExitAddresses);
    }

    [Fact]
    public async Task HttpsProxy_AbsoluteForm_ReachesHttpOriginThroughAnUpstream()
    {
        CurlResult result = await Curl.RunAsync(["--proxy", fixture.HttpsProxyUrl(), "--proxy-cacert", fixture.CaPath, "-D", "-", fixture.OriginUrl()]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("HTTP/1.1 200", result.Output);
        Assert.Contains("X-ProxyRotator-Upstream:", result.Output);
        Assert.Contains(result.Output.Split("\r\n\r\n", 2)[1].Trim(), fixture.ExitAddresses);
    }

    [Fact]
    public async Task HttpsProxy_WrongPassword_Answers407InsideTls()
    {
        CurlResult result = await Curl.RunAsync(["--proxy", fixture.HttpsProxyUrl("wrong"), "--proxy-cacert", fixture.CaPath, "-D", "-", "-o", "/dev/null", fixture.OriginUrl()]);

        Assert.StartsWith("HTTP/1.1 407", result.Output);
        Assert.Contains("X-ProxyRotator-Error: auth-required", result.Output);
    }

    [Fact]
    public async Task HttpsProxy_UntrustedCa_CurlRefusesTheProxyCertificate()
    {
        CurlResult result = await Curl.RunAsync(["--proxy", fixture.HttpsProxyUrl(), fixture.OriginUrl()]);

        Assert.Equal(60, result.ExitCode); // CURLE_PEER_FAILED_VERIFICATION: the gateway really presented its certificate
    }

    [Fact]
    public async Task SslStreamClient_Socks5InsideTls_ConnectsThroughUpstream()
    {
        using TlsGatewayClient client = await TlsGatewayClient.ConnectAsync(fixture.Product.GatewayEndpoint, fixture.Authority.Certificate);

        string response = await client.Socks5GetAsync(TestConfigs.User, TestConfigs.Password, fixture.World.Origin.HttpEndPoint);

        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Contains(response.Split("\r\n\r\n", 2)[1].Trim(), fixture.ExitAddresses);
    }

    [Fact]
    public async Task Plaintext_SamePortWithTls_StillServesHttpConnectAndSocks5()
    {
        CurlResult http = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginUrl()]);
        CurlResult connect = await Curl.RunAsync(["-k", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginHttpsUrl()]);
        CurlResult socks = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h"), fixture.OriginUrl()]);

        Assert.Contains(http.Output.Trim(), fixture.ExitAddresses);
        Assert.Contains(connect.Output.Trim(), fixture.ExitAddresses);
        Assert.Contains(socks.Output.Trim(), fixture.ExitAddresses);
    }

    [Fact]
    public async Task ReplacedCertificateFiles_NextHandshake_PresentsNewCertificate()
    {
        string before;
        using (TlsGatewayClient first = await TlsGatewayClient.ConnectAsync(fixture.Product.GatewayEndpoint, fixture.Authority.Certificate))
        {
            before = first.ServerCertificate.Thumbprint;
        }

        using X509Certificate2 replaced = fixture.Authority.WriteServerPem(fixture.CertificatePath, fixture.KeyPath);

        using TlsGatewayClient second = await TlsGatewayClient.ConnectAsync(fixture.Product.GatewayEndpoint, fixture.Authority.Certificate);
        Assert.NotEqual(before, replaced.Thumbprint);
        Assert.Equal(replaced.Thumbprint, second.ServerCertificate.Thumbprint);

        // The new certificate serves requests, too.
        CurlResult result = await Curl.RunAsync(["--proxy", fixture.HttpsProxyUrl(), "--proxy-cacert", fixture.CaPath, fixture.OriginUrl()]);
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public async Task BrokenCertificateFiles_NextHandshake_KeepsPreviousCertificate()
    {
        string before;
        using (TlsGatewayClient first = await TlsGatewayClient.ConnectAsync(fixture.Product.GatewayEndpoint, fixture.Authority.Certificate))
        {
            before = first.ServerCertificate.Thumbprint;
        }

        string saved = await File.ReadAllTextAsync(fixture.CertificatePath);
        try
        {
            await File.WriteAllTextAsync(fixture.CertificatePath, "-----BEGIN CERTIFICATE-----\nnot base64\n");

            using TlsGatewayClient second = await TlsGatewayClient.ConnectAsync(fixture.Product.GatewayEndpoint, fixture.Authority.Certificate);
            Assert.Equal(before, second.ServerCertificate.Thumbprint);
        }
        finally
        {
            await File.WriteAllTextAsync(fixture.CertificatePath, saved);
        }
    }
}
