using System.Net;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.GeoVerification;

namespace ProxyRotator.UnitTests.Health.GeoVerification;

public class ExitGeoVerifierTests
{
    /// <summary>A GeoIP look-up over a dictionary, answering like <see cref="GeoIpLookup"/> does.</summary>
    private sealed class MapGeoSource(Dictionary<string, (string Country, string ConnectionType)> map, bool country = true, bool connectionType = true) : IGeoIpLookup
    {
        public bool HasCountryDatabase => country;
        public bool HasConnectionTypeDatabase => connectionType;

        public GeoIpResult Lookup(IPAddress address)
        {
            bool found = map.TryGetValue(address.ToString(), out var facts);
            return new GeoIpResult
            {
                Query = address.ToString(),
                Address = address,
                CountryStatus = !country ? GeoIpLookupStatus.NoDatabase : found ? GeoIpLookupStatus.Found : GeoIpLookupStatus.NotFound,
                Country = country && found ? facts.Country : null,
                ConnectionTypeStatus = !connectionType ? GeoIpLookupStatus.NoDatabase : found ? GeoIpLookupStatus.Found : GeoIpLookupStatus.NotFound,
                ConnectionType = connectionType && found ? facts.ConnectionType : null,
            };
        }
    }

    private static readonly Dictionary<string, (string, string)> _world = new()
    {
        ["127.0.1.1"] = ("DE", GeoIpConnectionTypes.Corporate),
        ["127.0.1.2"] = ("US", GeoIpConnectionTypes.CableDsl),
        ["127.0.1.3"] = ("US", GeoIpConnectionTypes.Cellular),
        ["127.0.1.4"] = ("US", GeoIpConnectionTypes.CableDsl),
    };

    private static GeoSubject Subject(string? declared = "US", UpstreamType type = UpstreamType.Residential, string? previousExit = null, params string[] recent) =>
        new(declared, type, previousExit, null, null, recent);

    [Fact]
    public void Verify_DeclaredUsExitInDe_VerifiedDeWithMismatchNote()
    {
        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world)).Verify(Subject("US", UpstreamType.Datacenter), "127.0.1.1");

        Assert.Equal("DE", verdict.VerifiedCountry);
        Assert.NotNull(verdict.GeoMismatch);
        Assert.Contains("US", verdict.GeoMismatch, StringComparison.Ordinal);
        Assert.Contains("DE", verdict.GeoMismatch, StringComparison.Ordinal);
        Assert.Null(verdict.ConnectionTypeMismatch);
        Assert.False(verdict.IsRotatingExit);
    }

    [Fact]
    public void Verify_DeclaredResidentialExitCorporate_TypeMismatchFlagged()
    {
        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world)).Verify(Subject("DE", UpstreamType.Residential), "127.0.1.1");

        Assert.Equal(GeoIpConnectionTypes.Corporate, verdict.ConnectionType);
        Assert.NotNull(verdict.ConnectionTypeMismatch);
        Assert.Contains("datacenter", verdict.ConnectionTypeMismatch, StringComparison.Ordinal);
        Assert.Null(verdict.GeoMismatch);
    }

    [Theory]
    [InlineData(GeoIpConnectionTypes.Cellular, UpstreamType.Mobile, false)]
    [InlineData(GeoIpConnectionTypes.Cellular, UpstreamType.Residential, true)]
    [InlineData(GeoIpConnectionTypes.CableDsl, UpstreamType.Residential, false)]
    [InlineData(GeoIpConnectionTypes.CableDsl, UpstreamType.Isp, false)]
    [InlineData(GeoIpConnectionTypes.CableDsl, UpstreamType.Datacenter, true)]
    [InlineData(GeoIpConnectionTypes.Corporate, UpstreamType.Datacenter, false)]
    [InlineData(GeoIpConnectionTypes.Corporate, UpstreamType.Mobile, true)]
    [InlineData("Something new", UpstreamType.Mobile, false)]
    public void Verify_ConnectionTypeAgainstDeclaredType_FlagsOnlyDisagreement(string connectionType, UpstreamType declared, bool flagged)
    {
        var source = new MapGeoSource(new() { ["198.51.100.1"] = ("US", connectionType) });

        GeoVerdict verdict = new ExitGeoVerifier(source).Verify(Subject("US", declared), "198.51.100.1");

        Assert.Equal(flagged, verdict.ConnectionTypeMismatch is not null);
    }

    [Fact]
    public void Verify_MatchingCountry_NoNote()
    {
        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world)).Verify(Subject("us"), "127.0.1.2");

        Assert.Equal("US", verdict.VerifiedCountry);
        Assert.Null(verdict.GeoMismatch);
        Assert.Null(verdict.ConnectionTypeMismatch);
    }

    [Fact]
    public void Verify_RotatingExitsAllInOneCountry_RotatingAndVerified()
    {
        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world))
            .Verify(Subject("US", UpstreamType.Residential, "127.0.1.2", "127.0.1.2", "127.0.1.4"), "127.0.1.4");

        Assert.True(verdict.IsRotatingExit);
        Assert.True(verdict.ExitChanged);
        Assert.Equal("US", verdict.VerifiedCountry);
        Assert.Null(verdict.GeoMismatch);
    }

    [Fact]
    public void Verify_RotatingExitsInDifferentCountries_NoVerifiedCountryAndNoMismatch()
    {
        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world))
            .Verify(Subject("US", UpstreamType.Residential, "127.0.1.2", "127.0.1.2"), "127.0.1.1");

        Assert.True(verdict.IsRotatingExit);
        Assert.Null(verdict.VerifiedCountry);
        Assert.Null(verdict.GeoMismatch);
    }

    [Fact]
    public void Verify_SameExitAsBefore_NotRotatingNotChanged()
    {
        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world))
            .Verify(Subject("US", UpstreamType.Residential, "127.0.1.2", "127.0.1.2", "127.0.1.2"), "127.0.1.2");

        Assert.False(verdict.IsRotatingExit);
        Assert.False(verdict.ExitChanged);
    }

    [Fact]
    public void Verify_ExitNotInDatabase_CountryUnknownNoMismatch()
    {
        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world)).Verify(Subject("US"), "192.0.2.200");

        Assert.Null(verdict.VerifiedCountry);
        Assert.Null(verdict.GeoMismatch);
    }

    [Fact]
    public void Verify_NoDatabases_KeepsPreviousFacts()
    {
        var subject = new GeoSubject("US", UpstreamType.Residential, null, "FR", GeoIpConnectionTypes.CableDsl, []);

        GeoVerdict verdict = new ExitGeoVerifier(new MapGeoSource(_world, country: false, connectionType: false)).Verify(subject, "127.0.1.1");

        Assert.Equal("FR", verdict.VerifiedCountry);
        Assert.Equal(GeoIpConnectionTypes.CableDsl, verdict.ConnectionType);
    }
}
