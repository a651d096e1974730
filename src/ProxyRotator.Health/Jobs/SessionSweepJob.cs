using ProxyRotator.Health.Sessions;
using Quartz;

namespace ProxyRotator.Health.Jobs;

/// <summary>Every minute: removes expired sticky sessions and strict ones on retired upstreams (<see cref="SessionSweeper"/>).</summary>
[DisallowConcurrentExecution]
public sealed class SessionSweepJob(SessionSweeper sweeper) : IJob
{
    public static readonly JobKey Key = new("session-sweep", HealthJobs.Group);
    public static readonly TriggerKey TriggerKey = new("session-sweep-trigger", HealthJobs.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sweeper.SweepAsync(cancellationToken).ConfigureAwait(false);
}
