using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// The per-request state of routing: what the client asked for, its sticky session (if any), the upstreams
/// already tried (excluded from later picks).
/// Disposing it ends its claim on binding a new session, if it still holds one.
/// </summary>
public sealed class UpstreamRoute : IDisposable
{
    private readonly long[] _tried;

    internal UpstreamRoute(TargetingParameters targeting, UpstreamQuery query, StickySession? session, int maxAttempts)
    {
        Targeting = targeting;
        Query = query;
        Session = session;
        _tried = new long[Math.Max(1, maxAttempts)];
    }

    public TargetingParameters Targeting { get; }

    public UpstreamQuery Query { get; }

    /// <summary>The live session this request is bound to (null for rotating requests or before the first success).</summary>
    public StickySession? Session { get; internal set; }

    /// <summary>
    /// The session was bound by this request before its first attempt (shared store, several instances) and has not
    /// served yet: its upstream failing is a failed first pick, not a lost exit, so even a strict one may fail over.
    /// </summary>
    internal bool NewBinding { get; set; }

    /// <summary>A flex session whose upstream failed: later picks are free and the success rebinds.</summary>
    internal bool SessionAbandoned { get; set; }

    public int AttemptCount { get; private set; }

    /// <summary>Exits the picks pass over (see <see cref="Pipeline.GatewayRequest.Avoidance"/>); null for none.</summary>
    public IUpstreamAvoidance? Avoidance { get; internal set; }

    /// <summary>Set when the request may not be routed at all (a new session over its cap); every pick answers it.</summary>
    internal GatewayFailure Refusal { get; set; }

    internal ReadOnlySpan<long> Tried => _tried.AsSpan(0, Math.Min(AttemptCount, _tried.Length));

    internal void MarkTried(long upstreamId)
    {
        if (AttemptCount < _tried.Length)
        {
            _tried[AttemptCount] = upstreamId;
        }

        AttemptCount++;
    }

    /// <summary>The session id to show in <c>X-ProxyRotator-Session</c>, or null.</summary>
    public string? SessionId => Targeting.SessionId;

    /// <summary>This request's right to bind a new session first (see <see cref="SessionBindingGate"/>), or null.</summary>
    internal SessionBindingGate.Claim? BindingClaim { get; set; }

    internal void EndBindingClaim()
    {
        BindingClaim?.End();
        BindingClaim = null;
    }

    public void Dispose() => EndBindingClaim();
}
