using System.Buffers;
using System.Collections.Frozen;
using System.Net;
using System.Text.Unicode;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Accounts;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// Checks gateway credentials (HTTP <c>Proxy-Authorization: Basic</c> or RFC 1929) against the accounts in the
/// <see cref="AccountDirectory"/> and parses the targeting parameters in the username. Order matters: the password is
/// checked before the targeting is parsed, so a client with a wrong password learns nothing about the grammar (always
/// 407, never 400). Passwords are stored as PBKDF2 hashes; a credential's verdict is remembered in a bounded
/// <see cref="CredentialVerdictCache"/> under a keyed digest, so only its first request pays the slow hash. An
/// unknown or disabled account costs the same slow check as a wrong password the first time. A client whose address
/// is bound to the account (allow-list) needs no password. Nothing here logs, and no failure carries the password.
/// </summary>
public sealed class ProxyAccountAuthenticator
{
    /// <summary>Longest password accepted (RFC 1929 allows 255 bytes; Basic has no limit, we do).</summary>
    public const int MaxPasswordLength = 1024;

    /// <summary>Longest <c>Proxy-Authorization</c> credentials (base64) accepted.</summary>
    public const int MaxBasicCredentialsLength = 2048;

    private readonly AccountDirectory _directory;
    private readonly CredentialVerdictCache _verdicts;
    private readonly SessionOptions _sessions;

    // Usernames already parsed: a known credential skips the parse (the largest part of its cost).
    private readonly TargetingCache _targeting = new();

    // Configured pool names; null when the caller does not know them (then -pool-NAME is not checked here).
    private readonly FrozenSet<string>? _knownPools;

    /// <param name="knownPools">The configured pool names: a <c>-pool-NAME</c> naming none of them gets 400 naming it
    /// (a typo is the client's fault, not "no upstream matches"). Null leaves pool names unchecked.</param>
    public ProxyAccountAuthenticator(AccountDirectory directory, SessionOptions sessions, IEnumerable<string>? knownPools = null, CredentialVerdictCache? verdicts = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(sessions);
        _directory = directory;
        _sessions = sessions;
        _knownPools = knownPools?.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _verdicts = verdicts ?? new CredentialVerdictCache();
        _directory.Published += table => _verdicts.DropStale(name => table.Find(name) is { Enabled: true } entry ? entry.Definition.PasswordHash : null);
    }

    /// <summary>Accounts from configured users only (no store): each password hashed once here.</summary>
    public ProxyAccountAuthenticator(IEnumerable<UserOptions> users, SessionOptions sessions, IEnumerable<string>? knownPools = null)
        : this(DirectoryOf(users), sessions, knownPools)
    {
    }

    public ProxyAccountAuthenticator(ProxyRotatorConfig config)
        : this((config ?? throw new ArgumentNullException(nameof(config))).Users, config.Sessions, config.Pools.Select(pool => pool.Name))
    {
    }

    /// <summary>The accounts this authenticator checks against.</summary>
    public AccountDirectory Directory => _directory;

    /// <summary>The definitions of configured users, passwords hashed (start-up; the store keeps its own hashes).</summary>
    public static IEnumerable<AccountDefinition> DefinitionsOf(IEnumerable<UserOptions> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var definitions = new List<AccountDefinition>();
        foreach (UserOptions user in users)
        {
            if (string.IsNullOrEmpty(user.Name) || user.Name.Contains('-', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Account name '{user.Name}' is empty or contains '-'.", nameof(users));
            }

            if (!names.Add(user.Name))
            {
                throw new ArgumentException($"Account '{user.Name}' is configured twice.", nameof(users));
            }

            definitions.Add(new AccountDefinition(user.Name, AccountPasswordHasher.Hash(user.Password), Enabled: true, [.. user.Pools], AccountLimits.None, [], FromConfig: true));
        }

        return definitions;
    }

    /// <summary>
    /// Changes whenever checking a credential admitted before could need its slow hash again: the accounts were
    /// published anew, or remembered verdicts went. A caller that saw a credential admitted under an epoch equal to
    /// the current one (<see cref="CredentialEpoch.Matches"/>) knows admitting it again pays no PBKDF2.
    /// </summary>
    public CredentialEpoch Epoch => new(_directory.Current, _verdicts.Generation);

    /// <summary>The pools <paramref name="account"/> may use, or null for an unknown account.</summary>
    public PoolAccess? GetPoolAccess(string account) => _directory.Current.Find(account)?.Pools;

    public bool TryAuthenticate(
        ReadOnlySpan<char> username,
        ReadOnlySpan<char> password,
        out TargetingParameters? parameters,
        out AuthenticationFailure failure) =>
        TryAuthenticate(username, password, out parameters, out _, out failure);

    /// <summary>As the other overload, and hands out the account's <see cref="PoolAccess"/> for the <see cref="UpstreamQuery"/>.</summary>
    public bool TryAuthenticate(
        ReadOnlySpan<char> username,
        ReadOnlySpan<char> password,
        out TargetingParameters? parameters,
        out PoolAccess? poolAccess,
        out AuthenticationFailure failure)
    {
        bool ok = TryAuthenticate(username, password, null, out parameters, out AccountEntry? account, out failure);
        poolAccess = account?.Pools;
        return ok;
    }

    /// <summary>
    /// The full check: account (enabled), password (or <paramref name="client"/>'s address on the account's allow-list),
    /// targeting, pools. Hands out the account's entry (limits, usage totals).
    /// </summary>
    public bool TryAuthenticate(
        ReadOnlySpan<char> username,
        ReadOnlySpan<char> password,
        IPAddress? client,
        out TargetingParameters? parameters,
        out AccountEntry? account,
        out AuthenticationFailure failure)
    {
        parameters = null;
        account = null;

        ReadOnlySpan<char> name = ProxyUsernameParser.AccountOf(username);
        bool accountFound = _directory.Current.TryGet(name, out AccountEntry? found) && found!.Enabled;
        bool admitted = accountFound && found!.MatchesAddress(client);
        if (!admitted)
        {
            admitted = PasswordMatches(name, password, accountFound ? found : null) && accountFound;
        }

        if (!admitted)
        {
            failure = AuthenticationFailure.BadCredentials;
            return false;
        }

        return TryTarget(username, found!, out parameters, out account, out failure);
    }

    /// <summary>A client without credentials whose address is bound to an enabled account: that account, untargeted.</summary>
    public bool TryAuthenticateAddress(IPAddress? client, out TargetingParameters? parameters, out AccountEntry? account)
    {
        parameters = null;
        account = null;
        return _directory.Current.FindByAddress(client) is { } entry && TryTarget(entry.Name, entry, out parameters, out account, out _);
    }

    private bool TryTarget(ReadOnlySpan<char> username, AccountEntry found, out TargetingParameters? parameters, out AccountEntry? account, out AuthenticationFailure failure)
    {
        account = null;
        if (!_targeting.TryGet(username, out parameters))
        {
            if (!ProxyUsernameParser.TryParse(username, _sessions, found.Name, out parameters, out TargetingError error))
            {
                failure = new AuthenticationFailure(AuthenticationFailureKind.BadTargeting, error);
                return false;
            }

            _targeting.Add(username, parameters!);
        }

        if (parameters!.Pool is { } unknown && _knownPools is not null && !_knownPools.Contains(unknown))
        {
            parameters = null;
            failure = new AuthenticationFailure(AuthenticationFailureKind.BadTargeting, new TargetingError("pool", UnknownPoolMessage(unknown, found.Pools)));
            return false;
        }

        if (parameters.Pool is { } pool && !found.Pools.Allows(pool))
        {
            parameters = null;
            failure = new AuthenticationFailure(AuthenticationFailureKind.PoolNotAllowed, new TargetingError("pool", "not allowed for this account"));
            return false;
        }

        account = found;
        failure = AuthenticationFailure.None;
        return true;
    }

    /// <summary>RFC 1929: username and password as the client sent them (UTF-8, at most 255 bytes each).</summary>
    public bool TryAuthenticateUtf8(
        ReadOnlySpan<byte> username,
        ReadOnlySpan<byte> password,
        out TargetingParameters? parameters,
        out PoolAccess? poolAccess,
        out AuthenticationFailure failure)
    {
        bool ok = TryAuthenticateUtf8(username, password, null, out parameters, out AccountEntry? account, out failure);
        poolAccess = account?.Pools;
        return ok;
    }

    /// <summary>RFC 1929, with the client's address for allow-list authentication; hands out the account's entry.</summary>
    public bool TryAuthenticateUtf8(
        ReadOnlySpan<byte> username,
        ReadOnlySpan<byte> password,
        IPAddress? client,
        out TargetingParameters? parameters,
        out AccountEntry? account,
        out AuthenticationFailure failure)
    {
        parameters = null;
        account = null;
        if (username.Length > 255 || password.Length > 255)
        {
            failure = AuthenticationFailure.BadCredentials;
            return false;
        }

        Span<char> user = stackalloc char[255];
        Span<char> pass = stackalloc char[255];
        if (Utf8.ToUtf16(username, user, out _, out int userLength, replaceInvalidSequences: false) != OperationStatus.Done
            || Utf8.ToUtf16(password, pass, out _, out int passLength, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            failure = AuthenticationFailure.BadCredentials;
            return false;
        }

        return TryAuthenticate(user[..userLength], pass[..passLength], client, out parameters, out account, out failure);
    }

    public bool TryParseBasic(
        ReadOnlySpan<char> proxyAuthorizationHeaderValue,
        out TargetingParameters? parameters,
        out AuthenticationFailure failure) =>
        TryParseBasic(proxyAuthorizationHeaderValue, out parameters, out _, out failure);

    /// <summary>
    /// Decodes <c>Basic base64(user:pass)</c> (scheme case-insensitive, RFC 7617) without exceptions and authenticates.
    /// Anything malformed — other schemes, bad base64, invalid UTF-8, no colon — is <see cref="AuthenticationFailureKind.BadCredentials"/>.
    /// </summary>
    public bool TryParseBasic(
        ReadOnlySpan<char> proxyAuthorizationHeaderValue,
        out TargetingParameters? parameters,
        out PoolAccess? poolAccess,
        out AuthenticationFailure failure)
    {
        bool ok = TryParseBasic(proxyAuthorizationHeaderValue, null, out parameters, out AccountEntry? account, out failure);
        poolAccess = account?.Pools;
        return ok;
    }

    /// <summary>Basic, with the client's address for allow-list authentication; hands out the account's entry.</summary>
    public bool TryParseBasic(
        ReadOnlySpan<char> proxyAuthorizationHeaderValue,
        IPAddress? client,
        out TargetingParameters? parameters,
        out AccountEntry? account,
        out AuthenticationFailure failure)
    {
        parameters = null;
        account = null;
        failure = AuthenticationFailure.BadCredentials;

        // Room for MaxBasicCredentialsLength characters of base64, and no more.
        Span<byte> decoded = stackalloc byte[MaxBasicCredentialsLength / 4 * 3];
        if (!BasicProxyAuthorization.TryDecode(proxyAuthorizationHeaderValue, decoded, out int decodedLength))
        {
            return false;
        }

        Span<char> chars = stackalloc char[decodedLength];
        if (Utf8.ToUtf16(decoded[..decodedLength], chars, out _, out int charCount, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            return false;
        }

        ReadOnlySpan<char> credentials = chars[..charCount];
        int colon = credentials.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        return TryAuthenticate(credentials[..colon], credentials[(colon + 1)..], client, out parameters, out account, out failure);
    }

    /// <summary>Names the unknown pool and the pools this account may use (only after its password was right).</summary>
    private string UnknownPoolMessage(string unknown, PoolAccess access)
    {
        string[] usable = [.. _knownPools!.Where(access.Allows).Order(StringComparer.Ordinal)];
        return usable.Length == 0
            ? $"unknown pool '{unknown}'"
            : $"unknown pool '{unknown}' (this account's pools: {string.Join(", ", usable)})";
    }

    /// <summary>
    /// The password check: a remembered verdict when there is one for this credential and the account's current hash,
    /// else PBKDF2 (also for an unknown account, against no hash, so it costs the same), remembered afterwards.
    /// </summary>
    private bool PasswordMatches(ReadOnlySpan<char> account, ReadOnlySpan<char> password, AccountEntry? entry)
    {
        if (password.Length > MaxPasswordLength)
        {
            return false;
        }

        foreach (char c in password)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        string? hash = entry?.Definition.PasswordHash;
        CredentialDigest digest = _verdicts.Digest(account, password);
        if (_verdicts.TryGet(digest, hash, out bool remembered))
        {
            return remembered;
        }

        bool ok = AccountPasswordHasher.Verify(password, hash);
        _verdicts.Remember(digest, entry?.Name ?? account.ToString(), hash, ok);
        return ok;
    }

    private static AccountDirectory DirectoryOf(IEnumerable<UserOptions> users)
    {
        var directory = new AccountDirectory(new UsageLedger(TimeProvider.System));
        directory.Publish(DefinitionsOf(users));
        return directory;
    }
}
