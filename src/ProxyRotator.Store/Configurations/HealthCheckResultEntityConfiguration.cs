using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class HealthCheckResultEntityConfiguration : IEntityTypeConfiguration<HealthCheckResultEntity>
{
    public void Configure(EntityTypeBuilder<HealthCheckResultEntity> builder)
    {
        builder.ToTable("HealthCheckResults");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ExitIp).HasMaxLength(StoreLimits.IpLength);
        builder.Property(r => r.ErrorKind).HasMaxLength(StoreLimits.NameLength);
        builder.Property(r => r.Error).HasMaxLength(StoreLimits.ErrorLength);
        builder.HasIndex(r => new { r.UpstreamId, r.CheckedAt });
        builder.HasOne<UpstreamEntity>().WithMany().HasForeignKey(r => r.UpstreamId).OnDelete(DeleteBehavior.Cascade);
    }
}
