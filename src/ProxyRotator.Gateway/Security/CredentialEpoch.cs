using ProxyRotator.Core.Accounts;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// What a credential's admission depended on (<see cref="ProxyAccountAuthenticator.Epoch"/>): the published account
/// table and the verdict cache's generation. Compared by reference, so a check costs two reads.
/// </summary>
public readonly struct CredentialEpoch(AccountTable accounts, int verdicts)
{
    private readonly AccountTable _accounts = accounts;
    private readonly int _verdicts = verdicts;

    /// <summary>Nothing an admission under <paramref name="other"/> relied on has changed since.</summary>
    public bool Matches(CredentialEpoch other) => ReferenceEquals(_accounts, other._accounts) && _verdicts == other._verdicts && _accounts is not null;
}
