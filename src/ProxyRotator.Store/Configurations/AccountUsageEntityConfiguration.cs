using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class AccountUsageEntityConfiguration : IEntityTypeConfiguration<AccountUsageEntity>
{
    public void Configure(EntityTypeBuilder<AccountUsageEntity> builder)
    {
        builder.ToTable("AccountUsage");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Account).HasMaxLength(StoreLimits.NameLength).IsRequired();
        builder.Property(u => u.Pool).HasMaxLength(StoreLimits.NameLength).IsRequired();
        builder.Property(u => u.Outcome).HasMaxLength(StoreLimits.EnumLength).IsRequired();
        builder.HasIndex(u => new { u.Account, u.Pool, u.Day, u.Outcome }).IsUnique();
        builder.HasIndex(u => u.Day);
    }
}
