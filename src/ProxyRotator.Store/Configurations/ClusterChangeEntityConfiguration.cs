using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class ClusterChangeEntityConfiguration : IEntityTypeConfiguration<ClusterChangeEntity>
{
    public void Configure(EntityTypeBuilder<ClusterChangeEntity> builder)
    {
        builder.ToTable("ClusterChanges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.InstanceId).HasMaxLength(ClusterInstance.MaxIdLength).IsRequired();
        builder.Property(c => c.Kind).HasMaxLength(StoreLimits.EnumLength).IsRequired();
        builder.Property(c => c.Status).HasMaxLength(StoreLimits.EnumLength);
        builder.Property(c => c.Detail).HasMaxLength(ClusterChange.MaxDetailLength);
        builder.HasIndex(c => c.CreatedAt);
    }
}
