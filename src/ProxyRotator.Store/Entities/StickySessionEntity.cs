using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Store.Entities;

/// <summary>A stored sticky session; unique per (<see cref="Account"/>, <see cref="SessionId"/>).</summary>
public sealed class StickySessionEntity
{
    public long Id { get; set; }
    public required string Account { get; set; }
    public required string SessionId { get; set; }
    public long UpstreamId { get; set; }
    public SessionMode Mode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
    public string? ExitIp { get; set; }

    /// <summary>Which vendor session of a backconnect upstream holds the exit (see <see cref="StickySession.VendorEpoch"/>).</summary>
    public long VendorEpoch { get; set; }

    public StickySession ToSession() => new()
    {
        Account = Account,
        SessionId = SessionId,
        UpstreamId = UpstreamId,
        Mode = Mode,
        CreatedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
        LastUsedAt = LastUsedAt,
        ExitIp = ExitIp,
        VendorEpoch = VendorEpoch,
    };

    public void CopyFrom(StickySession session)
    {
        Account = session.Account;
        SessionId = session.SessionId;
        UpstreamId = session.UpstreamId;
        Mode = session.Mode;
        CreatedAt = session.CreatedAt;
        ExpiresAt = session.ExpiresAt;
        LastUsedAt = session.LastUsedAt;
        ExitIp = session.ExitIp;
        VendorEpoch = session.VendorEpoch;
    }

    public override string ToString() => $"session {StickySessionKey.Of(Account, SessionId)} -> upstream #{UpstreamId} until {ExpiresAt:O}";
}
