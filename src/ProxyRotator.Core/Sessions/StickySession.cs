using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Sessions;

/// <summary>
/// A sticky binding of account + session id to one upstream. Expiry is fixed at creation
/// (<c>CreatedAt + sesstime</c>), as commercial gateways do: a session never outlives what the client asked for.
/// </summary>
public sealed record StickySession
{
    public required string Account { get; init; }
    public required string SessionId { get; init; }
    public required long UpstreamId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset LastUsedAt { get; init; }
    public SessionMode Mode { get; init; }
    public string? ExitIp { get; init; }

    /// <summary>
    /// Which vendor session holds the exit on a backconnect upstream: the vendor session id is derived from (account,
    /// session id, epoch). Set from the creation time, so a session created again gets a fresh vendor session; raised
    /// when a flex session's vendor session ended early.
    /// </summary>
    public long VendorEpoch { get; init; }

    /// <summary>The identity shown in the admin API and used to end a session: <c>account:sessionId</c>.</summary>
    public string Key => StickySessionKey.Of(Account, SessionId);

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}
