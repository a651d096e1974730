using Microsoft.EntityFrameworkCore;

namespace ProxyRotator.Store.Infrastructure;

/// <summary>
/// The cluster-wide lock every pool sync holds (configuration, <c>import</c>, provider refresh), so two instances
/// that sync at the same moment do not both add the same address. On PostgreSQL a transaction-scoped advisory lock
/// (released by the commit or rollback, even if the instance dies); SQLite has one instance, whose syncs the
/// synchronizer already serializes in process, so nothing is taken there.
/// </summary>
internal static class PoolSyncLock
{
    /// <summary>An arbitrary 64-bit key, fixed for the product: "PRSYNC01" as ASCII.</summary>
    private const long AdvisoryKey = 0x5052_5359_4E43_3031;

    /// <summary>Takes the lock inside <paramref name="db"/>'s current transaction (which must exist).</summary>
    public static async Task AcquireAsync(ProxyRotatorDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The pool sync lock is transaction-scoped: begin a transaction first.");
        }

        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryKey})", cancellationToken).ConfigureAwait(false);
        }
    }
}
