using System.Buffers;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// Checks gateway credentials (HTTP <c>Proxy-Authorization: Basic</c> or RFC 1929) against the configured users and
/// parses the targeting parameters in the username. Order matters: the password is checked before the targeting
/// is parsed, so a client with a wrong password learns nothing about the grammar (always 407, never 400).
/// Passwords are compared as SHA-256 digests of their UTF-8 bytes with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// which hides both the content and the length; an unknown account costs the same work as a wrong password.
/// Nothing here logs, and no failure carries the password.
/// </summary>
public sealed class ProxyAccountAuthenticator
{
    /// <summary>Longest password accepted (RFC 1929 allows 255 bytes; Basic has no limit, we do).</summary>
    public const int MaxPasswordLength = 1024;

    /// <summary>Longest <c>Proxy-Authorization</c> credentials (base64) accepted.</summary>
    public const int MaxBasicCredentialsLength = 2048;

    private const int DigestLength = 32;

    private readonly Dictionary<string, Account> _accounts;
    private readonly Dictionary<string, Account>.AlternateLookup<ReadOnlySpan<char>> _accountsBySpan;
    private readonly SessionOptions _sessions;

    // Configured pool names; null when the caller does not know them (then -pool-NAME is not checked here).
    private readonly FrozenSet<string>? _knownPools;

    // Compared against when the account is unknown, so unknown and wrong cost the same.
    private readonly byte[] _unknownAccountDigest = RandomNumberGenerator.GetBytes(DigestLength);

    /// <param name="knownPools">The configured pool names: a <c>-pool-NAME</c> naming none of them gets 400 naming it
    /// (a typo is the client's fault, not "no upstream matches"). Null leaves pool names unchecked.</param>
    public ProxyAccountAuthenticator(IEnumerable<UserOptions> users, SessionOptions sessions, IEnumerable<string>? knownPools = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(sessions);
        _sessions = sessions;
        _knownPools = knownPools?.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _accounts = new Dictionary<string, Account>(StringComparer.Ordinal);
        foreach (UserOptions user in users)
        {
            if (string.IsNullOrEmpty(user.Name) || user.Name.Contains('-', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Account name '{user.Name}' is empty or contains '-'.", nameof(users));
            }

            if (!_accounts.TryAdd(user.Name, new Account(user.Name, Digest(user.Password), PoolAccess.Of(user.Pools))))
            {
                throw new ArgumentException($"Account '{user.Name}' is configured twice.", nameof(users));
            }
        }

        _accountsBySpan = _accounts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ProxyAccountAuthenticator(ProxyRotatorConfig config)
        : this((config ?? throw new ArgumentNullException(nameof(config))).Users, config.Sessions, config.Pools.Select(pool => pool.Name))
    {
    }

    /// <summary>The pools <paramref name="account"/> may use, or null for an unknown account.</summary>
    public PoolAccess? GetPoolAccess(string account) => _accounts.TryGetValue(account, out Account? found) ? found.Pools : null;

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
        parameters = null;
        poolAccess = null;

        bool accountFound = _accountsBySpan.TryGetValue(ProxyUsernameParser.AccountOf(username), out Account? account);
        bool passwordOk = PasswordMatches(password, accountFound ? account!.PasswordDigest : _unknownAccountDigest);
        if (!accountFound || !passwordOk)
        {
            failure = AuthenticationFailure.BadCredentials;
            return false;
        }

        if (!ProxyUsernameParser.TryParse(username, _sessions, account!.Name, out parameters, out TargetingError error))
        {
            failure = new AuthenticationFailure(AuthenticationFailureKind.BadTargeting, error);
            return false;
        }

        if (parameters!.Pool is { } unknown && _knownPools is not null && !_knownPools.Contains(unknown))
        {
            parameters = null;
            failure = new AuthenticationFailure(AuthenticationFailureKind.BadTargeting, new TargetingError("pool", UnknownPoolMessage(unknown, account.Pools)));
            return false;
        }

        if (parameters.Pool is { } pool && !account.Pools.Allows(pool))
        {
            parameters = null;
            failure = new AuthenticationFailure(AuthenticationFailureKind.PoolNotAllowed, new TargetingError("pool", "not allowed for this account"));
            return false;
        }

        poolAccess = account.Pools;
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
        parameters = null;
        poolAccess = null;
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

        return TryAuthenticate(user[..userLength], pass[..passLength], out parameters, out poolAccess, out failure);
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
        parameters = null;
        poolAccess = null;
        failure = AuthenticationFailure.BadCredentials;

        ReadOnlySpan<char> value = proxyAuthorizationHeaderValue.Trim(' ');
        if (value.Length < 6 || !value[..5].Equals("Basic", StringComparison.OrdinalIgnoreCase) || value[5] != ' ')
        {
            return false;
        }

        ReadOnlySpan<char> encoded = value[6..].TrimStart(' ');
        if (encoded.IsEmpty || encoded.Length > MaxBasicCredentialsLength || encoded.ContainsAny(' ', '\t'))
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[MaxBasicCredentialsLength / 4 * 3];
        if (!Convert.TryFromBase64Chars(encoded, decoded, out int decodedLength))
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

        return TryAuthenticate(credentials[..colon], credentials[(colon + 1)..], out parameters, out poolAccess, out failure);
    }

    /// <summary>Names the unknown pool and the pools this account may use (only after its password was right).</summary>
    private string UnknownPoolMessage(string unknown, PoolAccess access)
    {
        string[] usable = [.. _knownPools!.Where(access.Allows).Order(StringComparer.Ordinal)];
        return usable.Length == 0
            ? $"unknown pool '{unknown}'"
            : $"unknown pool '{unknown}' (this account's pools: {string.Join(", ", usable)})";
    }

    private static bool PasswordMatches(ReadOnlySpan<char> password, byte[] expectedDigest)
    {
        if (password.Length > MaxPasswordLength)
        {
            return false;
        }

        bool hasControl = false;
        foreach (char c in password)
        {
            hasControl |= char.IsControl(c);
        }

        Span<byte> utf8 = stackalloc byte[MaxPasswordLength * 3];
        int byteCount = Encoding.UTF8.GetBytes(password, utf8);
        Span<byte> digest = stackalloc byte[DigestLength];
        SHA256.HashData(utf8[..byteCount], digest);
        bool equal = CryptographicOperations.FixedTimeEquals(digest, expectedDigest);
        CryptographicOperations.ZeroMemory(utf8[..byteCount]);
        return equal && !hasControl;
    }

    private static byte[] Digest(string password) => SHA256.HashData(Encoding.UTF8.GetBytes(password));

    private sealed record Account(string Name, byte[] PasswordDigest, PoolAccess Pools);
}
