using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ProxyRotator.Health.Jobs;

/// <summary>
/// Clustered job store only: puts back into service any trigger Quartz left in the <c>ERROR</c> state. Quartz.NET
/// marks every trigger of a job <c>ERROR</c> when an instance shuts down between firing the trigger and running the
/// job (quartznet/quartznet#2804), and an <c>ERROR</c> trigger never fires again on any instance: one instance
/// stopping at the wrong moment would end the health passes of the whole cluster. Every <see cref="Interval"/> each
/// instance resets such triggers, so the survivors carry on.
/// </summary>
public sealed partial class ErroredTriggerRepair(ISchedulerFactory schedulers, TimeProvider time, ILogger<ErroredTriggerRepair> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Resets every trigger in the <c>ERROR</c> state; returns how many.</summary>
    public async Task<int> RepairAsync(CancellationToken cancellationToken)
    {
        IScheduler scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        int repaired = 0;
        foreach (TriggerKey key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.AnyGroup(), cancellationToken).ConfigureAwait(false))
        {
            if (await scheduler.GetTriggerState(key, cancellationToken).ConfigureAwait(false) == TriggerState.Error)
            {
                await scheduler.ResetTriggerFromErrorState(key, cancellationToken).ConfigureAwait(false);
                LogRepaired(logger, key.ToString());
                repaired++;
            }
        }

        return repaired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RepairAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (SchedulerException ex)
                {
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "Job trigger {Trigger} was left in the ERROR state (an instance stopped while firing it); put back into service")]
    private static partial void LogRepaired(ILogger logger, string trigger);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "Checking job triggers for the ERROR state failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
