using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class ProviderSourceEntityConfiguration : IEntityTypeConfiguration<ProviderSourceEntity>
{
    public void Configure(EntityTypeBuilder<ProviderSourceEntity> builder)
    {
        builder.ToTable("ProviderSources");
        builder.HasKey(p => p.Id);
        builder.HasOne(p => p.Pool).WithMany(p => p.ProviderSources).HasForeignKey(p => p.PoolId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.Name).HasMaxLength(StoreLimits.NameLength).IsRequired();
        builder.Property(p => p.Url).HasMaxLength(StoreLimits.UrlLength).IsRequired();
        builder.Property(p => p.LastError).HasMaxLength(StoreLimits.ErrorLength);
        builder.HasIndex(p => new { p.PoolId, p.Name }).IsUnique();
    }
}
