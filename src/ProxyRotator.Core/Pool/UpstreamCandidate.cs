namespace ProxyRotator.Core.Pool;

/// <summary>
/// What a pick reads about one candidate, packed so a random draw touches one array slot and the runtime state
/// instead of chasing array → upstream → state (at 100,000 upstreams every hop is a cache miss).
/// </summary>
internal readonly struct UpstreamCandidate(UpstreamProxy upstream)
{
    public readonly UpstreamProxy Upstream = upstream;
    public readonly UpstreamRuntimeState Runtime = upstream.Runtime;
    public readonly long Id = upstream.Id;
}
