using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Cluster;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// A change handler registered after the product's own (<see cref="AddTo"/> runs last, and the feed calls handlers in
/// registration order): when it sees a change, the product has applied it. Lets a test wait for the change feed's
/// delivery itself instead of for a deadline.
/// </summary>
internal sealed class ClusterChangeRecorder : IClusterChangeHandler
{
    private readonly Lock _lock = new();
    private readonly List<ClusterChange> _seen = [];
    private readonly List<(Func<ClusterChange, bool> Match, TaskCompletionSource Done)> _waiters = [];

    /// <summary>Registers a recorder in <paramref name="services"/> (call from a product's last service configuration).</summary>
    public static void AddTo(IServiceCollection services) => services.AddSingleton<IClusterChangeHandler, ClusterChangeRecorder>();

    /// <summary>The recorder of an instance started with <see cref="AddTo"/>.</summary>
    public static ClusterChangeRecorder Of(IServiceProvider services) =>
        services.GetServices<IClusterChangeHandler>().OfType<ClusterChangeRecorder>().Single();

    public ValueTask HandleAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (ClusterChange change in changes)
            {
                _seen.Add(change);
                foreach ((Func<ClusterChange, bool> match, TaskCompletionSource done) in _waiters)
                {
                    if (match(change))
                    {
                        done.TrySetResult();
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Completes once a change matching <paramref name="match"/> has been delivered and applied (at once if it already was).</summary>
    public Task DeliveredAsync(Func<ClusterChange, bool> match)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_seen.Any(match))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((match, done));
        }

        return done.Task;
    }
}
