using System.Net;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.IntegrationTests.Simulation;
using ProxyRotator.Simulation.Backconnect;

namespace ProxyRotator.IntegrationTests.Backconnect;

/// <summary>
/// Our dialects' credentials, driven with curl through each simulated vendor gateway: country targeting, sticky vendor
/// sessions over their TTL, strict sessions when the vendor drops the exit, and malformed syntax refused.
/// </summary>
public sealed class SimulatedBackconnectGatewayTests(EchoOriginFixture fixture) : IClassFixture<EchoOriginFixture>
{
    public static TheoryData<string> Dialects => new() { "brightdata", "oxylabs", "decodo", "iproyal", "soax" };

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token;

    private string OriginUrl => $"http://127.0.0.1:{fixture.Origin.HttpUrl.Port}/";

    /// <summary>One request through the gateway with curl (absolute-form, or CONNECT with <paramref name="tunnel"/>); the exit address.</summary>
    private async Task<IPAddress> ExitAsync(SimulatedBackconnectGateway gateway, BackconnectCredentials credentials, bool tunnel = false)
    {
        var arguments = new List<string>
        {
            "--proxy", $"http://{gateway.ListenEndPoint}", "--proxy-user", $"{credentials.Username}:{credentials.Password}", "--fail",
        };
        if (tunnel)
        {
            arguments.Add("--proxytunnel");
        }

        arguments.Add(OriginUrl);
        (int exitCode, string output, string error) = await CurlRunner.RunAsync([.. arguments]);
        Assert.True(exitCode == 0, $"curl exited {exitCode}: {error}");
        return IPAddress.Parse(output.Trim());
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task CountryTargeting_EveryRequestExitsInThatCountry(string dialect)
    {
        VendorCase vendor = VendorCase.For(dialect);
        await using SimulatedBackconnectGateway gateway = vendor.Start();
        BackconnectCredentials germany = vendor.Credentials(gateway, "scraper-country-de");
        BackconnectCredentials brazil = vendor.Credentials(gateway, "scraper-cc-br");

        IPAddress[] german = [await ExitAsync(gateway, germany), await ExitAsync(gateway, germany, tunnel: true), await ExitAsync(gateway, germany)];
        IPAddress brazilian = await ExitAsync(gateway, brazil, tunnel: true);

        Assert.All(german, exit => Assert.Equal("DE", gateway.CountryOfExit(exit)));
        Assert.Equal("BR", gateway.CountryOfExit(brazilian));
        Assert.True(german.Distinct().Count() > 1, "without a session every request rotates to another exit");
        Assert.Equal("BR", gateway.LastRequest!.Country);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task StickySession_KeepsOneExitAcrossConnectionsUntilTtl(string dialect)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        VendorCase vendor = VendorCase.For(dialect);
        await using SimulatedBackconnectGateway gateway = vendor.Start(time);
        BackconnectCredentials sticky = vendor.Credentials(gateway, "scraper-country-us-session-acct42-sesstime-30");

        IPAddress first = await ExitAsync(gateway, sticky);
        var held = new List<IPAddress>();
        for (int i = 0; i < 3; i++)
        {
            // Stay under Bright Data's and Oxylabs' 60 s idle limit while the session is in use.
            time.Advance(TimeSpan.FromSeconds(50));
            held.Add(await ExitAsync(gateway, sticky, tunnel: i % 2 == 0));
        }

        BackconnectCredentials other = vendor.Credentials(gateway, "scraper-country-us-session-other1-sesstime-30");
        IPAddress otherExit = await ExitAsync(gateway, other);
        time.Advance(TimeSpan.FromMinutes(31));
        IPAddress afterTtl = await ExitAsync(gateway, sticky);

        Assert.Equal("US", gateway.CountryOfExit(first));
        Assert.All(held, exit => Assert.Equal(first, exit));
        Assert.NotEqual(first, otherExit);
        Assert.NotEqual(first, afterTtl);
        Assert.Equal("US", gateway.CountryOfExit(afterTtl));
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task SessionExitDropped_StrictFailsWithVendorAnswer_FlexMovesToNewExit(string dialect)
    {
        VendorCase vendor = VendorCase.For(dialect);
        await using SimulatedBackconnectGateway gateway = vendor.Start();
        string mode = vendor.HasStrictSwitch ? "strict" : "flex";
        BackconnectCredentials credentials = vendor.Credentials(gateway, $"scraper-country-gb-session-s1-sessmode-{mode}");
        IPAddress before = await ExitAsync(gateway, credentials);

        Assert.Equal(1, gateway.DropAllSessionExits());
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(gateway.ListenEndPoint, Timeout);
        await client.SendAsync(
            $"GET {OriginUrl} HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Authorization: {RawProxyClient.Basic(credentials.Username, credentials.Password)}\r\n\r\n", Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        if (vendor.HasStrictSwitch)
        {
            Assert.Equal(502, response.Status);
            Assert.Contains(response.Headers, h => h.Key.Equals(vendor.ErrorHeader, StringComparison.OrdinalIgnoreCase));
        }
        else
        {
            Assert.Equal(200, response.Status);
            IPAddress after = IPAddress.Parse(response.Text.Trim());
            Assert.NotEqual(before, after);
            Assert.Equal("GB", gateway.CountryOfExit(after));
        }
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task MalformedSyntax_RefusedWithVendorError(string dialect)
    {
        VendorCase vendor = VendorCase.For(dialect);
        await using SimulatedBackconnectGateway gateway = vendor.Start();
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(gateway.ListenEndPoint, Timeout);

        await client.SendAsync(
            $"GET {OriginUrl} HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Authorization: {RawProxyClient.Basic(vendor.Malformed.User, vendor.Malformed.Password)}\r\n\r\n", Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        Assert.Equal(407, response.Status);
        Assert.Contains(response.Headers, h => h.Key.Equals(vendor.ErrorHeader, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, gateway.RequestsServed);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public async Task CountryWithoutExits_RefusedWithVendorError(string dialect)
    {
        VendorCase vendor = VendorCase.For(dialect);
        await using SimulatedBackconnectGateway gateway = vendor.Start();
        BackconnectCredentials credentials = vendor.Credentials(gateway, "scraper-country-nz");
        await using RawProxyClient client = await RawProxyClient.ConnectAsync(gateway.ListenEndPoint, Timeout);

        await client.SendAsync(
            $"CONNECT 127.0.0.1:{fixture.Origin.HttpUrl.Port} HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Authorization: {RawProxyClient.Basic(credentials.Username, credentials.Password)}\r\n\r\n", Timeout);
        RawHttpResponse response = await client.ReadResponseAsync(Timeout);

        Assert.Equal(502, response.Status);
        Assert.Contains(response.Headers, h => h.Key.Equals(vendor.ErrorHeader, StringComparison.OrdinalIgnoreCase));
    }
}
