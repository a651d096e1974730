using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class UpstreamEntityConfiguration : IEntityTypeConfiguration<UpstreamEntity>
{
    public void Configure(EntityTypeBuilder<UpstreamEntity> builder)
    {
        builder.ToTable("Upstreams");
        builder.HasKey(u => u.Id);

        // Pools are never deleted; an upstream outlives nothing it depends on.
        builder.HasOne(u => u.Pool).WithMany(p => p.Upstreams).HasForeignKey(u => u.PoolId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(u => u.StatusTransitions).WithOne().HasForeignKey(t => t.UpstreamId).OnDelete(DeleteBehavior.Cascade);

        builder.Property(u => u.Scheme).HasMaxLength(StoreLimits.EnumLength);
        builder.Property(u => u.Host).HasMaxLength(StoreLimits.HostLength).IsRequired();
        builder.Property(u => u.Username).HasMaxLength(StoreLimits.CredentialLength);
        builder.Property(u => u.Password).HasMaxLength(StoreLimits.CredentialLength);
        builder.Property(u => u.AddressKey).HasMaxLength(StoreLimits.AddressKeyLength).IsRequired();
        builder.Property(u => u.Type).HasMaxLength(StoreLimits.EnumLength);
        builder.Ignore(u => u.Kind);
        builder.Property(u => u.Dialect).HasMaxLength(StoreLimits.EnumLength);
        builder.Property(u => u.DialectTemplate).HasMaxLength(StoreLimits.ErrorLength);
        builder.Property(u => u.Countries).HasMaxLength(StoreLimits.ErrorLength);
        builder.Property(u => u.CostPerGb).HasPrecision(18, 6);
        builder.Property(u => u.CostPerRequest).HasPrecision(18, 6);
        builder.Property(u => u.DeclaredCountry).HasMaxLength(2);
        builder.Property(u => u.VerifiedCountry).HasMaxLength(2);
        builder.Property(u => u.City).HasMaxLength(StoreLimits.NameLength);
        builder.Property(u => u.ExitIp).HasMaxLength(StoreLimits.IpLength);
        builder.Property(u => u.ConnectionType).HasMaxLength(StoreLimits.NameLength);
        builder.Property(u => u.GeoMismatch).HasMaxLength(StoreLimits.NoteLength);
        builder.Property(u => u.ConnectionTypeMismatch).HasMaxLength(StoreLimits.NoteLength);
        builder.Property(u => u.Status).HasMaxLength(StoreLimits.EnumLength);
        builder.Property(u => u.StatusReason).HasMaxLength(StoreLimits.NoteLength);
        builder.Property(u => u.LastError).HasMaxLength(StoreLimits.ErrorLength);
        builder.Property(u => u.Source).HasMaxLength(StoreLimits.SourceLength).IsRequired();
        builder.Property(u => u.Version).IsConcurrencyToken(); // raised by UpdatedAtInterceptor; works on every provider

        builder.HasIndex(u => new { u.PoolId, u.AddressKey }).IsUnique();
        builder.HasIndex(u => u.Status);
        builder.HasIndex(u => u.NextCheckAt);
        builder.HasIndex(u => u.UpdatedAt);
        builder.HasIndex(u => u.MembershipChangedAt);
        builder.HasIndex(u => u.Source);

        builder.Navigation(u => u.StatusTransitions).AutoInclude(false);
    }
}
