using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Cluster;

/// <summary>
/// Publishes every upstream status transition (and every new upstream, as a membership change) that reaches the
/// database, whoever made it — a health pass, a burst of live faults, an operator, a pool sync — because every
/// status change goes through <see cref="UpstreamEntity.ChangeStatus"/>, which adds a transition row. Changes are
/// published once stored: after the save, or after the commit of the transaction around it (a rolled-back
/// transaction publishes nothing). Registered on PostgreSQL only.
/// </summary>
internal sealed class ClusterChangeInterceptor(IClusterChangeFeed feed) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<ClusterChange>> _pending = [];

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        PublishUnlessInTransaction(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        PublishUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Discard(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Publish(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        List<ClusterChange>? changes = null;
        foreach (EntityEntry<UpstreamStatusTransitionEntity> entry in context.ChangeTracker.Entries<UpstreamStatusTransitionEntity>())
        {
            if (entry.State == EntityState.Added && entry.Entity.UpstreamId != 0)
            {
                (changes ??= []).Add(ClusterChange.StatusChanged(entry.Entity.UpstreamId, entry.Entity.To));
            }
        }

        foreach (EntityEntry<UpstreamEntity> entry in context.ChangeTracker.Entries<UpstreamEntity>())
        {
            if (entry.State == EntityState.Added || (entry.State == EntityState.Modified && TagsChanged(entry)))
            {
                (changes ??= []).Add(ClusterChange.MembershipChanged(entry.State == EntityState.Added ? "upstream added" : "upstream re-tagged"));
                break;
            }
        }

        if (changes is not null)
        {
            _pending.GetOrCreateValue(context).AddRange(changes);
        }
    }

    /// <summary>What the pool snapshot holds besides status and figures: a change of any of it means a rebuild.</summary>
    private static readonly string[] TagProperties =
    [
        nameof(UpstreamEntity.PoolId), nameof(UpstreamEntity.Scheme), nameof(UpstreamEntity.Host), nameof(UpstreamEntity.Port),
        nameof(UpstreamEntity.Username), nameof(UpstreamEntity.Password), nameof(UpstreamEntity.Type),
        nameof(UpstreamEntity.DeclaredCountry), nameof(UpstreamEntity.City), nameof(UpstreamEntity.VerifiedCountry),
        nameof(UpstreamEntity.ExitIp),
    ];

    private static bool TagsChanged(EntityEntry<UpstreamEntity> entry)
    {
        foreach (string name in TagProperties)
        {
            if (entry.Property(name).IsModified)
            {
                return true;
            }
        }

        return false;
    }

    private void PublishUnlessInTransaction(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Publish(context);
        }
    }

    private void Publish(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out List<ClusterChange>? changes))
        {
            return;
        }

        _pending.Remove(context);
        foreach (ClusterChange change in changes)
        {
            feed.Publish(change);
        }
    }

    private void Discard(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }
}
