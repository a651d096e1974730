using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Playwright;
using ProxyRotator.IntegrationTests.Dashboard;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary><c>gateway.tls.plaintextAuth: false</c>: plaintext clients are refused before they send a password; TLS clients are served.</summary>
public sealed class GatewayTlsPlaintextAuthTests(GatewayTlsPlaintextAuthTests.Fixture fixture) : IClassFixture<GatewayTlsPlaintextAuthTests.Fixture>
{
    public sealed class Fixture : TlsProductWithWorld
    {
        protected override byte Subnet => 52;

        protected override bool PlaintextAuth => false;
    }

    [Fact]
    public async Task PlaintextHttp_PlaintextAuthOff_Answers403TlsRequired()
    {
        CurlResult result = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User), "-D", "-", "-o", "/dev/null", fixture.OriginUrl()]);

        Assert.StartsWith("HTTP/1.1 403", result.Output);
        Assert.Contains("X-ProxyRotator-Error: tls-required", result.Output);
    }

    [Fact]
    public async Task PlaintextConnect_PlaintextAuthOff_Answers403TlsRequired()
    {
        CurlResult result = await Curl.RunAsync(["-k", "-v", "-x", fixture.Product.ProxyUrl(TestConfigs.User), fixture.OriginHttpsUrl()]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("< HTTP/1.1 403", result.Error);
        Assert.Contains("X-ProxyRotator-Error: tls-required", result.Error);
    }

    [Fact]
    public async Task PlaintextSocks5_PlaintextAuthOff_NoAcceptableMethodBeforeThePassword()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Product.GatewayEndpoint);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x05, 0x01, 0x02 });
        byte[] method = new byte[2];
        await stream.ReadExactlyAsync(method).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new byte[] { 0x05, 0xFF }, method);

        CurlResult curl = await Curl.RunAsync(["-x", fixture.Product.ProxyUrl(TestConfigs.User, scheme: "socks5h"), fixture.OriginUrl()]);
        Assert.NotEqual(0, curl.ExitCode);
    }

    [Fact]
    public async Task HttpsProxy_PlaintextAuthOff_ServesAbsoluteFormConnectAndSocks5()
    {
        CurlResult http = await Curl.RunAsync(["--proxy", fixture.HttpsProxyUrl(), "--proxy-cacert", fixture.CaPath, fixture.OriginUrl()]);
        CurlResult connect = await Curl.RunAsync(["-k", "--proxy", fixture.HttpsProxyUrl(), "--proxy-cacert", fixture.CaPath, fixture.OriginHttpsUrl()]);
        using TlsGatewayClient socks = await TlsGatewayClient.ConnectAsync(fixture.Product.GatewayEndpoint, fixture.Authority.Certificate);
        string socksResponse = await socks.Socks5GetAsync(TestConfigs.User, TestConfigs.Password, fixture.World.Origin.HttpEndPoint);

        Assert.True(http.ExitCode == 0, http.Error);
        Assert.Contains(http.Output.Trim(), fixture.ExitAddresses);
        Assert.True(connect.ExitCode == 0, connect.Error);
        Assert.Contains(connect.Output.Trim(), fixture.ExitAddresses);
        Assert.StartsWith("HTTP/1.1 200", socksResponse);
    }

    /// <summary>
    /// Chromium with an HTTPS proxy: the gateway's certificate is trusted by its SPKI hash (Chromium reads trust anchors
    /// only from its NSS database, which a test should not touch), and Playwright answers the 407 challenge inside TLS.
    /// </summary>
    [ChromiumFact]
    public async Task Chromium_HttpsProxy_LoadsOriginThroughAnUpstream()
    {
        using X509Certificate2 server = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(fixture.CertificatePath));
        string spki = Convert.ToBase64String(SHA256.HashData(server.PublicKey.ExportSubjectPublicKeyInfo()));
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--ignore-certificate-errors-spki-list=" + spki],
            Proxy = new Proxy
            {
                Server = $"https://{fixture.Product.GatewayEndpoint.Address}:{fixture.Product.GatewayEndpoint.Port}",
                Username = TestConfigs.User,
                Password = TestConfigs.Password,
            },
        });
        IPage page = await browser.NewPageAsync();

        IResponse? response = await page.GotoAsync(fixture.OriginUrl());

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.Contains((await page.InnerTextAsync("body")).Trim(), fixture.ExitAddresses);
    }
}
