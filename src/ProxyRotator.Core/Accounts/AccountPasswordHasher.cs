using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ProxyRotator.Core.Accounts;

/// <summary>
/// Salted slow password hashes: PBKDF2 with HMAC-SHA-256 from the base library, encoded as
/// <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64). Verifying costs tens of milliseconds by design; the gateway
/// caches a verdict per credential, so only the first request with a credential pays it.
/// </summary>
public static class AccountPasswordHasher
{
    /// <summary>Iterations for new hashes (OWASP's floor for PBKDF2-HMAC-SHA256 is 600k; the brief asks for at least 100k).</summary>
    public const int DefaultIterations = 100_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encoded"/>; false for a malformed hash.</summary>
    public static bool Verify(ReadOnlySpan<char> password, string? encoded)
    {
        if (!TryDecode(encoded, out int iterations, out byte[]? salt, out byte[]? expected))
        {
            // The same work as a real check, so an account without a usable hash answers no faster.
            Rfc2898DeriveBytes.Pbkdf2(password, DummySalt, DefaultIterations, HashAlgorithmName.SHA256, HashBytes);
            return false;
        }

        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(password, salt!, iterations, HashAlgorithmName.SHA256, expected!.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether <paramref name="encoded"/> is a hash this class can verify.</summary>
    public static bool IsValid(string? encoded) => TryDecode(encoded, out _, out _, out _);

    private static ReadOnlySpan<byte> DummySalt => "proxyrotator-dummy-salt"u8;

    private static bool TryDecode(string? encoded, out int iterations, out byte[]? salt, out byte[]? hash)
    {
        iterations = 0;
        salt = hash = null;
        string[] parts = encoded?.Split('$') ?? [];
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length > 0 && hash.Length > 0;
    }
}
