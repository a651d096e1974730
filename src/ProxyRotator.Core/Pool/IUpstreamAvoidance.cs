namespace ProxyRotator.Core.Pool;

/// <summary>
/// A per-request reason to pass over some upstreams that otherwise match (exits a target site banned, exits reserved
/// by another account): consulted by <see cref="UpstreamSelector"/> for every draw, and by the router for a sticky
/// session's upstream. Requests without one pass null, which costs the pick nothing. Must be cheap and thread-safe.
/// </summary>
public interface IUpstreamAvoidance
{
    bool Avoids(UpstreamProxy upstream);

    /// <summary>The router picked <paramref name="upstream"/> for this request (the fresh pick or the session's).</summary>
    void Picked(UpstreamProxy upstream);
}
