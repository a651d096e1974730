namespace ProxyRotator.Health.Jobs;

/// <summary>Names shared by the health jobs.</summary>
public static class HealthJobs
{
    public const string Group = "health";

    /// <summary>How often expired and orphaned sticky sessions are swept.</summary>
    public static readonly TimeSpan SessionSweepInterval = TimeSpan.FromMinutes(1);
}
