using ProxyRotator.Core.Accounts;

namespace ProxyRotator.Store.Accounts;

/// <summary>The outcome of an account change: the account as stored, or why nothing changed.</summary>
public sealed record AccountStoreResult(AccountDefinition? Account, AccountStoreError Error = AccountStoreError.None, string? Message = null)
{
    public bool Succeeded => Error == AccountStoreError.None;

    public static AccountStoreResult Fail(AccountStoreError error, string message) => new(null, error, message);
}
