using ProxyRotator.Core.Accounts;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.Store.Accounts;

/// <summary>Between the stored row and the <see cref="AccountDefinition"/> the gateway uses.</summary>
internal static class AccountRecords
{
    public static AccountDefinition ToDefinition(AccountEntity entity) => new(
        entity.Name,
        entity.PasswordHash,
        entity.Enabled,
        Split(entity.Pools) is { Length: > 0 } pools ? pools : ["*"],
        new AccountLimits(entity.MaxConcurrent, entity.RequestsPerSecond, entity.BytesPerDay, entity.BytesPerMonth),
        Split(entity.AllowedAddresses),
        entity.FromConfig);

    public static string Join(IEnumerable<string> values) => string.Join(',', values.Select(v => v.Trim()).Where(v => v.Length > 0));

    public static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static void SetLimits(AccountEntity entity, AccountLimits limits)
    {
        entity.MaxConcurrent = limits.MaxConcurrent;
        entity.RequestsPerSecond = limits.RequestsPerSecond;
        entity.BytesPerDay = limits.BytesPerDay;
        entity.BytesPerMonth = limits.BytesPerMonth;
    }
}
