using ProxyRotator.Core.Pool;

namespace ProxyRotator.UnitTests.Pool;

/// <summary>Builds upstreams for selection tests.</summary>
internal static class TestUpstreams
{
    public static UpstreamProxy Create(
        long id,
        string pool = "main",
        UpstreamType type = UpstreamType.Residential,
        UpstreamStatus status = UpstreamStatus.Active,
        string? declaredCountry = null,
        string? verifiedCountry = null,
        string? city = null,
        double score = 0.5) =>
        new()
        {
            Id = id,
            PoolName = pool,
            Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, $"127.0.1.{id % 250}", 8000 + (int)(id % 1000), null, null),
            Type = type,
            Status = status,
            DeclaredCountry = declaredCountry,
            VerifiedCountry = verifiedCountry,
            City = city,
            Score = score,
        };

    public static PoolSnapshot Snapshot(params UpstreamProxy[] upstreams) => new(upstreams, 1);
}
