using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// Replaces a target host by <c>HMAC-SHA256(key, lower-case host)</c>, truncated to 128 bits and written as 32 hex
/// digits. Keyed, so a reader of the log cannot confirm a guessed host without the key; stable for one key, so lines
/// about the same host can still be grouped.
/// </summary>
public sealed class TargetHostHasher
{
    public const int HashChars = 32;

    private readonly byte[] _key;

    public TargetHostHasher(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>Writes the hash of <paramref name="host"/> into <paramref name="destination"/> (at least <see cref="HashChars"/> long).</summary>
    public void Hash(ReadOnlySpan<char> host, Span<char> destination)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(host.Length);
        byte[]? rented = maxBytes > 512 ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[512];
        try
        {
            int length = Encoding.UTF8.GetBytes(host, utf8);
            Ascii.ToLowerInPlace(utf8[..length], out _);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, utf8[..length], mac);
            Convert.TryToHexStringLower(mac[..(HashChars / 2)], destination, out _);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public string Hash(string host)
    {
        Span<char> hash = stackalloc char[HashChars];
        Hash(host, hash);
        return new string(hash);
    }
}
