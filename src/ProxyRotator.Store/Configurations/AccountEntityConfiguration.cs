using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Configurations;

internal sealed class AccountEntityConfiguration : IEntityTypeConfiguration<AccountEntity>
{
    public void Configure(EntityTypeBuilder<AccountEntity> builder)
    {
        builder.ToTable("Accounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Name).HasMaxLength(StoreLimits.NameLength).IsRequired();
        builder.HasIndex(a => a.Name).IsUnique();
        builder.Property(a => a.PasswordHash).HasMaxLength(StoreLimits.CredentialLength);
        builder.Property(a => a.Pools).HasMaxLength(StoreLimits.UrlLength).IsRequired();
        builder.Property(a => a.AllowedAddresses).HasMaxLength(StoreLimits.UrlLength).IsRequired();
    }
}
