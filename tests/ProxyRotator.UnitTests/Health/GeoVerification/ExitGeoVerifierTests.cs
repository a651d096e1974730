using ProxyRotator.Core.Pool;
using ProxyRotator.Health.GeoVerification;

namespace ProxyRotator.UnitTests.Health.GeoVerification;

public class ExitGeoVerifierTests
{
    private sealed class MapGeoSource(Dictionary<string, ExitGeoFacts> map, bool country = true, bool connectionType = true) : IExitGeoSource
    {
        public bool HasCountryDatabase => country;
        public bool HasConnectionTypeDatabase => connectionType;
        public ExitGeoFacts Lookup(string ip) => map.GetValueOrDefault(ip);
    }

    private static readonly Dictionary<string, ExitGeoFacts> _world = new()
    {
        ["127.0.1.1"] = new("DE", ConnectionTypes.Corporate),
        ["127.0.1.2"] = new("US", ConnectionTypes.CableDsl),
        ["127.0.1.3"] = new("US", ConnectionTypes.Cellular),
        ["127.0.1.4"] = new("US", ConnectionTypes.CableDsl),
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

        Assert.Equal(ConnectionTypes.Corporate, verdict.ConnectionType);
        Assert.NotNull(verdict.ConnectionTypeMismatch);
        Assert.Contains("datacenter", verdict.ConnectionTypeMismatch, StringComparison.Ordinal);
        Assert.Null(verdict.GeoMismatch);
    }

    [Theory]
    [InlineData(ConnectionTypes.Cellular, UpstreamType.Mobile, false)]
    [InlineData(ConnectionTypes.Cellular, UpstreamType.Residential, true)]
    [InlineData(ConnectionTypes.CableDsl, UpstreamType.Residential, false)]
    [InlineData(ConnectionTypes.CableDsl, UpstreamType.Isp, false)]
    [InlineData(ConnectionTypes.CableDsl, UpstreamType.Datacenter, true)]
    [InlineData(ConnectionTypes.Corporate, UpstreamType.Datacenter, false)]
    [InlineData(ConnectionTypes.Corporate, UpstreamType.Mobile, true)]
    [InlineData("Something new", UpstreamType.Mobile, false)]
    public void Verify_ConnectionTypeAgainstDeclaredType_FlagsOnlyDisagreement(string connectionType, UpstreamType declared, bool flagged)
    {
        var source = new MapGeoSource(new() { ["198.51.100.1"] = new("US", connectionType) });

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
        var subject = new GeoSubject("US", UpstreamType.Residential, null, "FR", ConnectionTypes.CableDsl, []);

        GeoVerdict verdict = new ExitGeoVerifier(new NoExitGeoSource()).Verify(subject, "127.0.1.1");

        Assert.Equal("FR", verdict.VerifiedCountry);
        Assert.Equal(ConnectionTypes.CableDsl, verdict.ConnectionType);
    }
}
