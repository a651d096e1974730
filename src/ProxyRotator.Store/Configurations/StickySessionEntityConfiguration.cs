using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class StickySessionEntityConfiguration : IEntityTypeConfiguration<StickySessionEntity>
{
    public void Configure(EntityTypeBuilder<StickySessionEntity> builder)
    {
        builder.ToTable("StickySessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Account).HasMaxLength(StoreLimits.NameLength).IsRequired();
        builder.Property(s => s.SessionId).HasMaxLength(StoreLimits.NameLength).IsRequired();
        builder.Property(s => s.Mode).HasMaxLength(StoreLimits.EnumLength);
        builder.Property(s => s.ExitIp).HasMaxLength(StoreLimits.IpLength);
        builder.HasIndex(s => new { s.Account, s.SessionId }).IsUnique();
        builder.HasIndex(s => s.ExpiresAt);

        // No foreign key to Upstreams and no index on UpstreamId: a new session per request writes thousands of rows a
        // second, and each row paid a look-up of its upstream and one more index entry for constraints nothing reads.
        // Sessions are looked up in memory only; a session whose upstream left the pool is rebound (flex) or ends
        // (strict) by the router, as with a retired upstream.
    }
}
