namespace ProxyRotator.Core.Pool;

/// <summary>
/// What a pick reads about one candidate, packed so a random draw touches one array slot and the live load counter
/// instead of chasing array → upstream → load (at 100,000 upstreams every hop is a cache miss).
/// </summary>
internal readonly struct UpstreamCandidate(UpstreamProxy upstream)
{
    public readonly UpstreamProxy Upstream = upstream;
    public readonly UpstreamLoad Load = upstream.Load;
    public readonly long Id = upstream.Id;
    public readonly double Score = upstream.Score > 1 ? 1 : upstream.Score >= 0 ? upstream.Score : 0;
}
