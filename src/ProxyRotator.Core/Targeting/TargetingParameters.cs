using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Targeting;

/// <summary>
/// What a client asked for in its proxy username: <c>ACCOUNT(-KEY-VALUE)*</c> (design §3).
/// Country is upper case, city lower case with <c>_</c> for spaces.
/// </summary>
public sealed record TargetingParameters
{
    public required string Account { get; init; }
    public UpstreamType? Type { get; init; }
    public string? Country { get; init; }
    public string? City { get; init; }
    public string? Pool { get; init; }
    public string? SessionId { get; init; }
    public TimeSpan? SessionTtl { get; init; }
    public SessionMode SessionMode { get; init; } = SessionMode.Flex;

    /// <summary><c>geo-verified</c>: only upstreams whose exit country GeoIP verified (fail-closed).</summary>
    public bool GeoVerifiedOnly { get; init; }

    /// <summary><c>state</c>/<c>st</c>: a region code or name, lower case with <c>_</c> for spaces; only backconnect dialects that have it honour it.</summary>
    public string? State { get; init; }

    /// <summary><c>asn</c>: the exit's autonomous system number; only backconnect dialects that have it honour it.</summary>
    public uint? Asn { get; init; }

    /// <summary><c>exclusive</c>: on or off, overriding the pool's <c>exclusiveExits</c>; null to follow the pool.</summary>
    public bool? Exclusive { get; init; }

    /// <summary>
    /// <c>banned</c>: the client saw a ban inside a tunnel and reports it with this request: an upstream id (digits), an
    /// exit IP, or <c>session</c> (this request's session's exit). The exit is banned for this request's target site.
    /// </summary>
    public string? BannedExit { get; init; }

    public bool IsSticky => SessionId is not null;
}
