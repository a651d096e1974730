using System.Net;
using Microsoft.EntityFrameworkCore;
using NSubstitute;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health;
using ProxyRotator.Health.Probing;
using ProxyRotator.Simulation.GeoIp;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using static ProxyRotator.IntegrationTests.Health.HealthTestWorld;

namespace ProxyRotator.IntegrationTests.Health;

/// <summary>Geo verification with real MaxMind-format databases (written by the simulation's MMDB writer) for loopback exits.</summary>
public sealed class GeoVerificationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>127.0.4.0/24 is US Cable/DSL, except 127.0.4.40-41 (DE) and 127.0.4.41 and .44 (Corporate).</summary>
    private static GeoIpLookup WriteDatabases(HealthTestWorld world)
    {
        string countryDb = Path.Combine(world.Folder, "country.mmdb");
        string connectionDb = Path.Combine(world.Folder, "connection-type.mmdb");
        new MmdbWriter(GeoIpRecords.CountryDatabaseType)
            .Insert("127.0.4.0/24", GeoIpRecords.Country("US"))
            .Insert("127.0.4.40/31", GeoIpRecords.Country("DE"))
            .WriteTo(countryDb);
        new MmdbWriter(GeoIpRecords.ConnectionTypeDatabaseType)
            .Insert("127.0.4.0/24", GeoIpRecords.ConnectionType(GeoIpRecords.CableDsl))
            .Insert("127.0.4.41", GeoIpRecords.ConnectionType(GeoIpRecords.Corporate))
            .Insert("127.0.4.44", GeoIpRecords.ConnectionType(GeoIpRecords.Corporate))
            .WriteTo(connectionDb);
        return GeoIpLookup.Open(countryDb, connectionDb);
    }

    [Fact]
    public async Task RunDueAsync_DeclaredUsExitInDe_VerifiedDeWithMismatchAndSnapshotTargetsDe()
    {
        await using HealthTestWorld world = await CreateAsync();
        using GeoIpLookup geo = WriteDatabases(world);
        SimulatedUpstreamProxy inDe = world.StartUpstream("127.0.4.40");
        SimulatedUpstreamProxy inUs = world.StartUpstream("127.0.4.42", UpstreamScheme.Socks5);
        await world.BuildAsync(geo, pools: Pool("res", UpstreamType.Residential, Entry(inDe, "US"), Entry(inUs, "US")));

        IReadOnlyList<HealthCheckOutcome> outcomes = await world.Get<HealthCheckRunner>().RunDueAsync(None);

        Assert.All(outcomes, o => Assert.True(o.Success, o.Error));
        UpstreamEntity de = await world.UpstreamAsync(inDe);
        Assert.Equal(("127.0.4.40", "DE", GeoIpRecords.CableDsl), (de.ExitIp, de.VerifiedCountry, de.ConnectionType));
        Assert.Contains("declared US", de.GeoMismatch, StringComparison.Ordinal);
        Assert.Null(de.ConnectionTypeMismatch);
        UpstreamEntity us = await world.UpstreamAsync(inUs);
        Assert.Equal(("US", null, null), (us.VerifiedCountry, us.GeoMismatch, us.ConnectionTypeMismatch));

        // The gateway's selection reads the snapshot: the DE exit now counts as DE, not as the declared US.
        PoolSnapshot snapshot = world.Get<IPoolSnapshotSource>().Current;
        Assert.True(snapshot.TryGet(de.Id, out UpstreamProxy? deProxy));
        Assert.Equal(("DE", "US"), (deProxy!.EffectiveCountry, deProxy.DeclaredCountry));
        Assert.Equal(["127.0.4.42"], snapshot.All.Where(u => u.EffectiveCountry == "US").Select(u => u.Endpoint.Host));
        Assert.Equal(["127.0.4.40"], snapshot.All.Where(u => u.EffectiveCountry == "DE").Select(u => u.Endpoint.Host));
    }

    [Fact]
    public async Task RunDueAsync_DeclaredResidentialExitCorporate_Flagged()
    {
        await using HealthTestWorld world = await CreateAsync();
        using GeoIpLookup geo = WriteDatabases(world);
        SimulatedUpstreamProxy corporate = world.StartUpstream("127.0.4.41");
        SimulatedUpstreamProxy datacenter = world.StartUpstream("127.0.4.44");
        await world.BuildAsync(geo, pools:
        [
            Pool("res", UpstreamType.Residential, Entry(corporate, "DE")),
            Pool("dc", UpstreamType.Datacenter, Entry(datacenter, "US")),
        ]);

        await world.Get<HealthCheckRunner>().RunDueAsync(None);

        UpstreamEntity flagged = await world.UpstreamAsync(corporate);
        Assert.Equal(GeoIpRecords.Corporate, flagged.ConnectionType);
        Assert.Contains("declared residential", flagged.ConnectionTypeMismatch, StringComparison.Ordinal);
        Assert.Contains("datacenter", flagged.ConnectionTypeMismatch, StringComparison.Ordinal);
        Assert.Null(flagged.GeoMismatch);
        UpstreamEntity honest = await world.UpstreamAsync(datacenter);
        Assert.Equal((GeoIpRecords.Corporate, null), (honest.ConnectionType, honest.ConnectionTypeMismatch));
    }

    [Fact]
    public async Task RunAllAsync_ExitRotatesWithinOneCountry_RotatingVerifiedAndNeverFlagged()
    {
        string[] exits = ["127.0.4.50", "127.0.4.51", "127.0.4.52", "127.0.4.50"];
        int probe = 0;
        IUpstreamProbe rotating = Substitute.For<IUpstreamProbe>();
        rotating.ProbeAsync(Arg.Any<UpstreamEndpoint>(), Arg.Any<CancellationToken>())
            .Returns(_ => ProbeResult.Succeeded(TimeSpan.FromMilliseconds(30), exits[probe++ % exits.Length]));
        await using HealthTestWorld world = await CreateAsync();
        using GeoIpLookup geo = WriteDatabases(world);
        await world.BuildAsync(geo, rotating);
        await world.AddUpstreamsAsync("backconnect", UpstreamType.Residential, [new UpstreamEndpoint(UpstreamScheme.Http, "gate.example", 7000, "u", "p")]);
        var runner = world.Get<HealthCheckRunner>();

        for (int i = 0; i < exits.Length; i++)
        {
            HealthCheckOutcome outcome = Assert.Single(await runner.RunAllAsync(null, None));
            Assert.Equal(exits[i], outcome.ExitIp);
        }

        UpstreamEntity upstream = await SingleUpstreamAsync(world);
        Assert.True(upstream.IsRotatingExit);
        Assert.Equal(3, upstream.ExitIpChanges);
        Assert.Equal("US", upstream.VerifiedCountry);
        Assert.Null(upstream.GeoMismatch);
    }

    [Fact]
    public async Task RunAllAsync_ExitRotatesAcrossCountries_NoVerifiedCountryAndNoMismatch()
    {
        string[] exits = ["127.0.4.50", "127.0.4.40"];
        int probe = 0;
        IUpstreamProbe rotating = Substitute.For<IUpstreamProbe>();
        rotating.ProbeAsync(Arg.Any<UpstreamEndpoint>(), Arg.Any<CancellationToken>())
            .Returns(_ => ProbeResult.Succeeded(TimeSpan.FromMilliseconds(30), exits[probe++ % exits.Length]));
        await using HealthTestWorld world = await CreateAsync();
        using GeoIpLookup geo = WriteDatabases(world);
        await world.BuildAsync(geo, rotating);
        await world.AddUpstreamsAsync("backconnect", UpstreamType.Residential, [new UpstreamEndpoint(UpstreamScheme.Http, "gate.example", 7000, null, null)]);

        await world.Get<HealthCheckRunner>().RunAllAsync(null, None);
        await world.Get<HealthCheckRunner>().RunAllAsync(null, None);

        UpstreamEntity upstream = await SingleUpstreamAsync(world);
        Assert.True(upstream.IsRotatingExit);
        Assert.Null(upstream.VerifiedCountry);
        Assert.Null(upstream.GeoMismatch);
        Assert.False(world.Get<IPoolSnapshotSource>().Current.All.Single().EffectiveCountry is "DE" or "US");
    }

    private static async Task<UpstreamEntity> SingleUpstreamAsync(HealthTestWorld world)
    {
        await using ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        return await db.Upstreams.AsNoTracking().SingleAsync();
    }

    [Fact]
    public void Lookup_WrittenDatabases_AnswerForLoopbackExits()
    {
        // Guards the fixture itself: if the writer or reader changed, the tests above would fail for the wrong reason.
        string folder = Path.Combine(Path.GetTempPath(), "proxyrotator-geo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string db = Path.Combine(folder, "c.mmdb");
            new MmdbWriter(GeoIpRecords.CountryDatabaseType).Insert("127.0.4.40/31", GeoIpRecords.Country("DE")).WriteTo(db);
            using GeoIpLookup geo = GeoIpLookup.Open(db, null);
            Assert.Equal("DE", geo.Lookup(IPAddress.Parse("127.0.4.41")).Country);
            Assert.Equal(GeoIpLookupStatus.NotFound, geo.Lookup(IPAddress.Parse("127.0.4.42")).CountryStatus);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
