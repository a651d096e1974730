using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Backconnect;

/// <summary>What a dialect needs for one request: the client's targeting and the upstream it goes to.</summary>
public readonly record struct BackconnectRequest
{
    public required TargetingParameters Targeting { get; init; }

    /// <summary>The upstream's own credentials from the configuration (vendor account, zone, package key).</summary>
    public required BackconnectCredentials BaseCredentials { get; init; }

    /// <summary>Where vendor session ids come from (keyed hash in production, a fixed value in tests).</summary>
    public required IVendorSessionIds SessionIds { get; init; }

    /// <summary>The upstream's type: some vendors take fewer parameters on datacenter or mobile networks.</summary>
    public UpstreamType UpstreamType { get; init; }

    /// <summary>
    /// Which vendor session of this sticky session to use: the same value gives the same vendor session id; a new
    /// value (a re-created session, or a flex session whose vendor exit was lost) gives a fresh vendor session.
    /// </summary>
    public long SessionEpoch { get; init; }
}
