using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Sessions;

/// <summary>
/// A sticky binding of account + session id to one upstream. Expiry is fixed at creation
/// (<c>CreatedAt + sesstime</c>), as commercial gateways do: a session never outlives what the client asked for.
/// </summary>
/// <remarks>
/// Times are kept as UTC ticks (they read back in UTC, the same instant): one object is held per session, possibly
/// hundreds of thousands, and three <see cref="DateTimeOffset"/> fields were a fifth of it.
/// </remarks>
public sealed record StickySession
{
    private readonly long _createdAtTicks;
    private readonly long _expiresAtTicks;
    private readonly long _lastUsedAtTicks;

    public required string Account { get; init; }
    public required string SessionId { get; init; }
    public required long UpstreamId { get; init; }
    public required DateTimeOffset CreatedAt { get => new(_createdAtTicks, TimeSpan.Zero); init => _createdAtTicks = value.UtcTicks; }
    public required DateTimeOffset ExpiresAt { get => new(_expiresAtTicks, TimeSpan.Zero); init => _expiresAtTicks = value.UtcTicks; }
    public DateTimeOffset LastUsedAt { get => new(_lastUsedAtTicks, TimeSpan.Zero); init => _lastUsedAtTicks = value.UtcTicks; }
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

    public bool IsExpired(DateTimeOffset now) => now.UtcTicks >= _expiresAtTicks;
}
