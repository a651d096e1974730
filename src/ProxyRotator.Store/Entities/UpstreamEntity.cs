using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Store.Entities;

/// <summary>
/// One upstream proxy as stored. Holds the credentials (the gateway needs them) but never shows them:
/// <see cref="ToString"/> and <see cref="ToMaskedUrl"/> mask the password. Change <see cref="Status"/> only through
/// <see cref="ChangeStatus"/> so every transition is recorded.
/// </summary>
public sealed class UpstreamEntity
{
    /// <summary>Source value of upstreams listed in the configuration file.</summary>
    public const string ConfigSource = "config";

    /// <summary>Prefix of the source value of upstreams listed by a provider API (<c>provider:NAME</c>).</summary>
    public const string ProviderSourcePrefix = "provider:";

    public long Id { get; set; }
    public int PoolId { get; set; }
    public PoolEntity? Pool { get; set; }

    public UpstreamScheme Scheme { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary><c>scheme://host:port</c>: the identity used by sync, unique per pool, independent of credentials.</summary>
    public required string AddressKey { get; set; }

    public UpstreamType Type { get; set; }

    /// <summary>The backconnect dialect's name; null for a static upstream (a stored upstream is backconnect exactly when it has one).</summary>
    public string? Dialect { get; set; }

    /// <summary><see cref="UpstreamKind.Backconnect"/> for a vendor gateway whose credentials a dialect writes per request (not stored: follows <see cref="Dialect"/>).</summary>
    public UpstreamKind Kind => Dialect is null ? UpstreamKind.Static : UpstreamKind.Backconnect;

    /// <summary>The template dialect's options as JSON (<c>"dialect": "template"</c> only).</summary>
    public string? DialectTemplate { get; set; }

    /// <summary>The countries a backconnect upstream serves: <c>*</c> or codes joined by commas (null for a static upstream).</summary>
    public string? Countries { get; set; }

    /// <summary>Cost per GB (10^9 bytes, both directions): the upstream's own or its pool's; null when not stated.</summary>
    public decimal? CostPerGb { get; set; }

    /// <summary>Cost per request: the upstream's own or its pool's; null when not stated.</summary>
    public decimal? CostPerRequest { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case, as tagged by configuration or provider.</summary>
    public string? DeclaredCountry { get; set; }

    /// <summary>Lower case with <c>_</c> for spaces.</summary>
    public string? City { get; set; }

    /// <summary>Country of the exit IP according to GeoIP.</summary>
    public string? VerifiedCountry { get; set; }
    public string? ExitIp { get; set; }

    /// <summary>GeoIP connection type of the exit IP (e.g. <c>Cellular</c>, <c>Cable/DSL</c>, <c>Corporate</c>).</summary>
    public string? ConnectionType { get; set; }

    /// <summary>Set when the verified country disagrees with the declared one (a human-readable note).</summary>
    public string? GeoMismatch { get; set; }

    /// <summary>Set when the connection type disagrees with the declared type (a human-readable note).</summary>
    public string? ConnectionTypeMismatch { get; set; }

    /// <summary>How often the exit IP changed between probes; rotating backconnect upstreams change it routinely.</summary>
    public int ExitIpChanges { get; set; }
    public bool IsRotatingExit { get; set; }

    public UpstreamStatus Status { get; private set; } = UpstreamStatus.Pending;
    public string? StatusReason { get; private set; }
    public DateTimeOffset StatusChangedAt { get; private set; }

    /// <summary>Health score in [0,1]; 0.5 until checked.</summary>
    public double Score { get; set; } = 0.5;
    public double? LatencyMs { get; set; }
    public double? SuccessRate { get; set; }
    public int ConsecutiveFailures { get; set; }
    public int ConsecutiveSuccesses { get; set; }

    /// <summary>Failed re-checks while quarantined.</summary>
    public int FailedRechecks { get; set; }
    public DateTimeOffset? LastCheckedAt { get; set; }
    public DateTimeOffset? NextCheckAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public string? LastError { get; set; }
    public long TotalRequests { get; set; }
    public long TotalFailures { get; set; }

    /// <summary><see cref="ConfigSource"/>, <c>provider:NAME</c> or <c>admin</c>.</summary>
    public required string Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// Stamped (strictly increasing within a process) when the upstream joins or leaves the pool (added, retired,
    /// listed again) or a tag the gateway selects by changes (pool, address, credentials, type, countries, city),
    /// never by health results or live figures: the pool snapshot is rebuilt only when its newest value moves.
    /// </summary>
    public DateTimeOffset MembershipChangedAt { get; set; }

    /// <summary>
    /// Optimistic concurrency token, raised by every <c>SaveChanges</c> that modifies the row: a writer that read an
    /// older version (an admin action racing a health pass, or another instance) gets
    /// <see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/> instead of overwriting the newer
    /// state, reloads and retries. The additive live-figures UPDATE leaves it alone (it cannot lose anything).
    /// </summary>
    public long Version { get; set; }

    public List<UpstreamStatusTransitionEntity> StatusTransitions { get; set; } = [];

    public UpstreamEndpoint ToEndpoint() => new(Scheme, Host, Port, Username, Password);

    /// <summary>The URL with the password replaced by <c>***</c>, safe to log and to show.</summary>
    public string ToMaskedUrl() => ToEndpoint().ToMaskedString();

    /// <summary>
    /// Moves to <paramref name="to"/> and records the transition (added to <see cref="StatusTransitions"/>, so it is
    /// saved with the upstream). Returns false, recording nothing, when the status is already <paramref name="to"/>.
    /// </summary>
    public bool ChangeStatus(UpstreamStatus to, string reason, DateTimeOffset at)
    {
        if (Status == to)
        {
            return false;
        }

        StatusTransitions.Add(new UpstreamStatusTransitionEntity { UpstreamId = Id, From = Status, To = to, Reason = reason, At = at });
        Status = to;
        StatusReason = reason;
        StatusChangedAt = at;
        return true;
    }

    /// <summary>Sets the initial status of a new upstream (the creation counts as a transition from nothing).</summary>
    public void InitializeStatus(UpstreamStatus status, string reason, DateTimeOffset at)
    {
        StatusTransitions.Add(new UpstreamStatusTransitionEntity { From = null, To = status, Reason = reason, At = at });
        Status = status;
        StatusReason = reason;
        StatusChangedAt = at;
    }

    public override string ToString() => $"upstream #{Id} {ToMaskedUrl()} ({Type}, {DeclaredCountry ?? "??"}, {Status})";
}
