using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Backconnect;

/// <summary>
/// A sticky session through the product holds its vendor session, and so its exit, for its whole TTL and no longer:
/// the product and the simulated vendors share one fake clock, which the test moves past the TTL.
/// </summary>
public sealed class StickySessionTtlThroughGatewayTests(StickySessionTtlThroughGatewayTests.Fixture fixture)
    : IClassFixture<StickySessionTtlThroughGatewayTests.Fixture>
{
    public sealed class Fixture : BackconnectProductFixture
    {
        private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-07T04:00:00Z", CultureInfo.InvariantCulture));

        public FakeTimeProvider Time => _clock;

        protected override byte Subnet => 44;

        protected override IEnumerable<string> Dialects => ["brightdata", "oxylabs", "template"];

        protected override FakeTimeProvider? Clock => _clock;

        protected override List<PoolOptions> CreatePools() =>
        [
            .. Dialects.Select(dialect => new PoolOptions
            {
                Name = dialect,
                Type = UpstreamType.Residential,
                Proxies = [Entry(dialect)],
            }),
        ];
    }

    /// <summary>Bright Data has no lifetime parameter (ProxyRotator ends its vendor session); Oxylabs and the template also carry it to the vendor.</summary>
    [Theory]
    [InlineData("brightdata")]
    [InlineData("oxylabs")]
    [InlineData("template")]
    public async Task StickySession_ClockPassesTheTtl_VendorSessionAndExitChangeOnlyAfterIt(string dialect)
    {
        string user = $"{TestConfigs.User}-pool-{dialect}-country-de-session-ttl{dialect}-sesstime-2";
        int sessionsBefore = fixture.Vendors[dialect].SessionCount;
        string first = await fixture.ExitAsync(user);
        var held = new List<(string Exit, int VendorSessions)>();
        for (int step = 0; step < 2; step++)
        {
            // 50 s steps: under Bright Data's 60 s idle limit, and 100 s in all, under the 120 s TTL.
            fixture.Time.Advance(TimeSpan.FromSeconds(50));
            held.Add((await fixture.ExitAsync(user, tunnel: step == 0), fixture.Vendors[dialect].SessionCount - sessionsBefore));
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        string after = await fixture.ExitAsync(user);
        int vendorSessionsAfter = fixture.Vendors[dialect].SessionCount - sessionsBefore;

        // Health probes carry no session, so the vendor's session count is this test's: one vendor session over the TTL.
        Assert.All(held, h => Assert.Equal((first, 1), h));
        Assert.NotEqual(first, after);
        Assert.Equal("DE", fixture.CountryOfExit(after));

        // A second vendor session id: the expired sticky session's successor never reuses the vendor session (which
        // for Bright Data, without a lifetime parameter, would otherwise live on).
        Assert.Equal(2, vendorSessionsAfter);
    }
}
