using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Infrastructure;

namespace ProxyRotator.Store;

/// <summary>
/// The pool store. Portable by construction: enums as strings, times as UTC ticks, no provider-specific SQL, so
/// PostgreSQL can follow SQLite. Singletons use it through <see cref="IDbContextFactory{TContext}"/>.
/// </summary>
public sealed class ProxyRotatorDbContext(DbContextOptions<ProxyRotatorDbContext> options) : DbContext(options)
{
    /// <summary>The assembly that holds the generated SQLite migrations.</summary>
    public const string MigrationsAssembly = "ProxyRotator.Migrations";

    /// <summary>The assembly that holds the generated PostgreSQL migrations (and Quartz's tables).</summary>
    public const string PostgreSqlMigrationsAssembly = "ProxyRotator.Migrations.PostgreSql";

    public DbSet<PoolEntity> Pools => Set<PoolEntity>();
    public DbSet<UpstreamEntity> Upstreams => Set<UpstreamEntity>();
    public DbSet<UpstreamStatusTransitionEntity> UpstreamStatusTransitions => Set<UpstreamStatusTransitionEntity>();
    public DbSet<StickySessionEntity> StickySessions => Set<StickySessionEntity>();
    public DbSet<HealthCheckResultEntity> HealthCheckResults => Set<HealthCheckResultEntity>();
    public DbSet<ProviderSourceEntity> ProviderSources => Set<ProviderSourceEntity>();
    public DbSet<ClusterChangeEntity> ClusterChanges => Set<ClusterChangeEntity>();
    public DbSet<UpstreamInstanceScoreEntity> UpstreamInstanceScores => Set<UpstreamInstanceScoreEntity>();
    public DbSet<AccountEntity> Accounts => Set<AccountEntity>();
    public DbSet<AccountUsageEntity> AccountUsage => Set<AccountUsageEntity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<UpstreamStatus>().HaveConversion<string>();
        configurationBuilder.Properties<UpstreamType>().HaveConversion<string>();
        configurationBuilder.Properties<UpstreamScheme>().HaveConversion<string>();
        configurationBuilder.Properties<SessionMode>().HaveConversion<string>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ProxyRotatorDbContext).Assembly);
}
