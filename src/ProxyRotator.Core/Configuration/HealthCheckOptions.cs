namespace ProxyRotator.Core.Configuration;

/// <summary><c>healthCheck</c>: probes through each upstream to an IP-echo URL.</summary>
public sealed class HealthCheckOptions
{
    /// <summary>An IP-echo URL: its body (plain text or JSON with <c>ip</c>) is the caller's address.</summary>
    public string Url { get; set; } = "https://api.ipify.org";
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    public int Concurrency { get; set; } = 64;

    /// <summary>Consecutive failures that move an active upstream to quarantine.</summary>
    public int QuarantineAfterFailures { get; set; } = 3;

    /// <summary>Consecutive successes that bring a quarantined upstream back.</summary>
    public int ReviveAfterSuccesses { get; set; } = 2;

    /// <summary>A quarantined upstream is retired after this long without recovering.</summary>
    public TimeSpan RetireAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>... or after this many failed re-checks in quarantine.</summary>
    public int RetireAfterFailedRechecks { get; set; } = 20;

    /// <summary>Cap of the quarantine re-check back-off.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Consecutive upstream faults in live gateway traffic that quarantine an upstream before its next probe.</summary>
    public int QuarantineAfterLiveFailures { get; set; } = 5;

    /// <summary>Half-life of the time-decayed success rate and latency behind an upstream's score.</summary>
    public TimeSpan ScoreHalfLife { get; set; } = TimeSpan.FromMinutes(10);
}
