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
        builder.HasIndex(s => s.UpstreamId);

        // Upstreams are retired, never deleted, so a session's upstream row always exists.
        builder.HasOne<UpstreamEntity>().WithMany().HasForeignKey(s => s.UpstreamId).OnDelete(DeleteBehavior.Cascade);
    }
}
