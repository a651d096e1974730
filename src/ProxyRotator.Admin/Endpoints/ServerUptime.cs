namespace ProxyRotator.Admin.Endpoints;

/// <summary>When this server started, for <c>/api/stats</c> (rates need a time base).</summary>
public sealed class ServerUptime(TimeProvider timeProvider)
{
    public DateTimeOffset StartedAt { get; } = timeProvider.GetUtcNow();

    public TimeSpan Elapsed => timeProvider.GetUtcNow() - StartedAt;
}
