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
    private long[] _tried;
    private int _triedCount;

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

    /// <summary>Upstreams excluded from later picks: those tried, and those whose dialect refused the targeting.</summary>
    internal ReadOnlySpan<long> Tried => _tried.AsSpan(0, _triedCount);

    internal void MarkTried(long upstreamId)
    {
        if (_triedCount == _tried.Length)
        {
            Array.Resize(ref _tried, _tried.Length * 2);
        }

        _tried[_triedCount++] = upstreamId;
        AttemptCount++;
    }

    /// <summary>
    /// The upstream just picked cannot express the targeting (its dialect refused it): it stays excluded, but no
    /// attempt was made through it. The first refusal is kept for the 400 when no other upstream serves the request.
    /// </summary>
    internal void MarkRefused(TargetingError refusal)
    {
        AttemptCount--;
        Refusals++;
        FirstRefusal ??= refusal;
    }

    /// <summary>Why the first backconnect upstream refused the targeting (the parameter it cannot express), or null.</summary>
    public TargetingError? FirstRefusal { get; private set; }

    /// <summary>Upstreams whose dialect refused this request's targeting.</summary>
    public int Refusals { get; private set; }

    /// <summary>
    /// The vendor session epoch the current attempt writes (backconnect upstreams, sticky requests): the bound session's,
    /// or a fresh one for a new binding or a renewed vendor session.
    /// </summary>
    public long VendorEpoch { get; internal set; }

    /// <summary>A flex session's vendor session ended early and this request continues on a fresh one (said in the session header).</summary>
    public bool VendorSessionRenewed { get; internal set; }

    /// <summary>Set after the bound backconnect upstream failed a flex session: the next pick retries it once on a fresh vendor session.</summary>
    internal bool RenewVendorSession { get; set; }

    /// <summary>The session id to show in <c>X-ProxyRotator-Session</c>, or null.</summary>
    public string? SessionId => Targeting.SessionId;

    /// <summary>
    /// The <c>X-ProxyRotator-Session</c> value: the session id, with <c>; renewed</c> when the vendor session holding its
    /// exit ended early and a fresh one (a new exit) took over.
    /// </summary>
    public string? SessionHeaderValue => Targeting.SessionId is { } id && VendorSessionRenewed ? id + "; renewed" : Targeting.SessionId;

    /// <summary>This request's right to bind a new session first (see <see cref="SessionBindingGate"/>), or null.</summary>
    internal SessionBindingGate.Claim? BindingClaim { get; set; }

    internal void EndBindingClaim()
    {
        BindingClaim?.End();
        BindingClaim = null;
    }

    public void Dispose() => EndBindingClaim();
}
