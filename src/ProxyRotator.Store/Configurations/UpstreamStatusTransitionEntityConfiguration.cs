using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class UpstreamStatusTransitionEntityConfiguration : IEntityTypeConfiguration<UpstreamStatusTransitionEntity>
{
    public void Configure(EntityTypeBuilder<UpstreamStatusTransitionEntity> builder)
    {
        builder.ToTable("UpstreamStatusTransitions");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.From).HasMaxLength(StoreLimits.EnumLength);
        builder.Property(t => t.To).HasMaxLength(StoreLimits.EnumLength);
        builder.Property(t => t.Reason).HasMaxLength(StoreLimits.NoteLength).IsRequired();
        builder.HasIndex(t => new { t.UpstreamId, t.At });
    }
}
