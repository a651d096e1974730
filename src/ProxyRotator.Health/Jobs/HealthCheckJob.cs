using Quartz;

namespace ProxyRotator.Health.Jobs;

/// <summary>Every <c>healthCheck.interval</c>: probes the upstreams that are due. Thin: the work is in <see cref="HealthCheckRunner"/>.</summary>
[DisallowConcurrentExecution]
public sealed class HealthCheckJob(HealthCheckRunner runner) : IJob
{
    public static readonly JobKey Key = new("health-check", HealthJobs.Group);
    public static readonly TriggerKey TriggerKey = new("health-check-trigger", HealthJobs.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await runner.RunDueAsync(cancellationToken).ConfigureAwait(false);
}
