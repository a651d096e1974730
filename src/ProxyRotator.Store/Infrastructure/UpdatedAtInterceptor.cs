using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Infrastructure;

/// <summary>
/// Stamps <see cref="UpstreamEntity.UpdatedAt"/> (and <see cref="UpstreamEntity.CreatedAt"/> of new rows) on every
/// save, so the snapshot refresher can tell cheaply whether anything changed, and raises the concurrency token
/// <see cref="UpstreamEntity.Version"/> of every modified row. Bulk <c>ExecuteUpdate</c> calls bypass this and must
/// set <c>UpdatedAt</c> (and, where they overwrite state rather than add to it, <c>Version</c>) themselves.
/// Stamps <see cref="UpstreamEntity.MembershipChangedAt"/> of added rows and of rows whose membership or tags changed
/// (<see cref="MembershipProperties"/>, or a move into or out of retired), which is what the pool snapshot rebuilds on.
/// </summary>
internal sealed class UpdatedAtInterceptor(TimeProvider timeProvider) : SaveChangesInterceptor
{
    /// <summary>What a pool snapshot holds of an upstream besides its id: changing any of these rebuilds it.</summary>
    internal static readonly string[] MembershipProperties =
    [
        nameof(UpstreamEntity.PoolId), nameof(UpstreamEntity.Scheme), nameof(UpstreamEntity.Host), nameof(UpstreamEntity.Port),
        nameof(UpstreamEntity.Username), nameof(UpstreamEntity.Password), nameof(UpstreamEntity.Type),
        nameof(UpstreamEntity.DeclaredCountry), nameof(UpstreamEntity.City), nameof(UpstreamEntity.VerifiedCountry),
        nameof(UpstreamEntity.Dialect), nameof(UpstreamEntity.DialectTemplate), nameof(UpstreamEntity.Countries),
        nameof(UpstreamEntity.CostPerGb), nameof(UpstreamEntity.CostPerRequest), nameof(UpstreamEntity.IsRotatingExit),
    ];

    private long _lastMembershipStamp;

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
                entry.Entity.MembershipChangedAt = NextMembershipStamp(now);
            }
            else if (entry.State == EntityState.Modified)
            {
                entry.Entity.UpdatedAt = now;
                entry.Entity.Version = entry.OriginalValues.GetValue<long>(nameof(UpstreamEntity.Version)) + 1;
                if (MembershipChanged(entry))
                {
                    entry.Entity.MembershipChangedAt = NextMembershipStamp(now);
                }
            }
        }
    }

    private static bool MembershipChanged(EntityEntry<UpstreamEntity> entry)
    {
        foreach (string property in MembershipProperties)
        {
            PropertyEntry value = entry.Property(property);
            if (value.IsModified && !Equals(value.OriginalValue, value.CurrentValue))
            {
                return true;
            }
        }

        var before = entry.OriginalValues.GetValue<UpstreamStatus>(nameof(UpstreamEntity.Status));
        UpstreamStatus after = entry.Entity.Status;
        return before != after && (before == UpstreamStatus.Retired || after == UpstreamStatus.Retired);
    }

    /// <summary>Now, or one tick past the previous stamp: two changes in the same tick still move the newest stamp.</summary>
    private DateTimeOffset NextMembershipStamp(DateTimeOffset now)
    {
        while (true)
        {
            long last = Interlocked.Read(ref _lastMembershipStamp);
            long next = Math.Max(now.UtcTicks, last + 1);
            if (Interlocked.CompareExchange(ref _lastMembershipStamp, next, last) == last)
            {
                return new DateTimeOffset(next, TimeSpan.Zero);
            }
        }
    }
}
