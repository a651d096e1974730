using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// Replaces a target host by <c>HMAC-SHA256(key, lower-case host)</c>, truncated to 128 bits and written as 32 hex
/// digits. Keyed, so a reader of the log cannot confirm a guessed host without the key; stable for one key, so lines
/// about the same host can still be grouped. Thread-safe: each thread keeps its own keyed HMAC state, because
/// setting up the key costs several times the hash of a short host name.
/// </summary>
public sealed class TargetHostHasher : IDisposable
{
    public const int HashChars = 32;

    private readonly ThreadLocal<IncrementalHash> _hmac;

    public TargetHostHasher(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keyBytes), trackAllValues: true);
    }

    public void Dispose()
    {
        foreach (IncrementalHash hmac in _hmac.Values)
        {
            hmac.Dispose();
        }

        _hmac.Dispose();
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
            IncrementalHash hmac = _hmac.Value!;
            hmac.AppendData(utf8[..length]);
            hmac.GetHashAndReset(mac);
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
