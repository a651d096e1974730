using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Infrastructure;

/// <summary>
/// Stamps <see cref="UpstreamEntity.UpdatedAt"/> (and <see cref="UpstreamEntity.CreatedAt"/> of new rows) on every
/// save, so the snapshot refresher can tell cheaply whether anything changed, and raises the concurrency token
/// <see cref="UpstreamEntity.Version"/> of every modified row. Bulk <c>ExecuteUpdate</c> calls bypass this and must
/// set <c>UpdatedAt</c> (and, where they overwrite state rather than add to it, <c>Version</c>) themselves.
/// </summary>
internal sealed class UpdatedAtInterceptor(TimeProvider timeProvider) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        foreach (EntityEntry<UpstreamEntity> entry in context.ChangeTracker.Entries<UpstreamEntity>())
        {
            if (entry.State == EntityState.Added)
            {
                if (entry.Entity.CreatedAt == default)
                {
                    entry.Entity.CreatedAt = now;
                }

                entry.Entity.UpdatedAt = now;
            }
            else if (entry.State == EntityState.Modified)
            {
                entry.Entity.UpdatedAt = now;
                entry.Entity.Version = entry.OriginalValues.GetValue<long>(nameof(UpstreamEntity.Version)) + 1;
            }
        }
    }
}
