using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class PoolEntityConfiguration : IEntityTypeConfiguration<PoolEntity>
{
    public void Configure(EntityTypeBuilder<PoolEntity> builder)
    {
        builder.ToTable("Pools");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(StoreLimits.NameLength).IsRequired();
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Type).HasMaxLength(StoreLimits.EnumLength);
    }
}
