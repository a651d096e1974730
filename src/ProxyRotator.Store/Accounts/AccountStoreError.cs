namespace ProxyRotator.Store.Accounts;

/// <summary>Why an account change was not made.</summary>
public enum AccountStoreError
{
    None,
    NotFound,
    Conflict,
    Invalid,
}
