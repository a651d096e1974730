using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class UpstreamInstanceScoreEntityConfiguration : IEntityTypeConfiguration<UpstreamInstanceScoreEntity>
{
    public void Configure(EntityTypeBuilder<UpstreamInstanceScoreEntity> builder)
    {
        builder.ToTable("UpstreamInstanceScores");
        builder.HasKey(s => new { s.InstanceId, s.UpstreamId });
        builder.Property(s => s.InstanceId).HasMaxLength(ClusterInstance.MaxIdLength);
        builder.HasIndex(s => s.UpdatedAt);
    }
}
