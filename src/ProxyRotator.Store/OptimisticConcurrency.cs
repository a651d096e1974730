using Microsoft.EntityFrameworkCore;

namespace ProxyRotator.Store;

/// <summary>
/// Retry-on-conflict for writers of <see cref="Entities.UpstreamEntity"/> rows, whose <c>Version</c> is a
/// concurrency token: when another writer (an admin action, a health pass, another instance) changed a row between
/// this writer's read and its save, the save fails with <see cref="DbUpdateConcurrencyException"/> and the whole
/// attempt — a fresh context, a fresh read, the change applied again — runs once more.
/// </summary>
public static class OptimisticConcurrency
{
    /// <summary>Attempts before the conflict is given up on and thrown.</summary>
    public const int MaxAttempts = 5;

    /// <summary>
    /// Runs <paramref name="attempt"/> until it saves without a conflict, at most <see cref="MaxAttempts"/> times.
    /// Each attempt must open its own context and read what it changes.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (int tries = 1; ; tries++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException) when (tries < MaxAttempts)
            {
                // another writer won: read again and re-apply on top of its change
            }
        }
    }
}
