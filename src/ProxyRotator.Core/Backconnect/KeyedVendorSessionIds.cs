using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// Vendor session ids from HMAC-SHA256(key, account, session id, epoch): stable for the same inputs and key, unlinkable
/// to the account without the key (the vendor sees the id, never the client's account name). Keep the key secret and
/// stable across restarts, or every sticky session moves to a new vendor session.
/// </summary>
public sealed class KeyedVendorSessionIds : IVendorSessionIds
{
    public const int MinKeyBytes = 16;

    private readonly byte[] _key;

    public KeyedVendorSessionIds(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"The key needs at least {MinKeyBytes} bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    public string Derive(string account, string sessionId, long epoch, VendorSessionIdFormat format)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(sessionId);

        // account NUL session NUL epoch: the separators keep ("ab","c") and ("a","bc") apart.
        int accountBytes = Encoding.UTF8.GetByteCount(account);
        int sessionBytes = Encoding.UTF8.GetByteCount(sessionId);
        int total = accountBytes + 1 + sessionBytes + 1 + sizeof(long);
        Span<byte> message = total <= 512 ? stackalloc byte[total] : new byte[total];
        Encoding.UTF8.GetBytes(account, message);
        message[accountBytes] = 0;
        Encoding.UTF8.GetBytes(sessionId, message[(accountBytes + 1)..]);
        message[accountBytes + 1 + sessionBytes] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(message[^sizeof(long)..], epoch);

        Span<byte> digest = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, message[..total], digest);
        string alphabet = format.Alphabet;
        Span<char> id = stackalloc char[format.Length];
        for (int i = 0; i < id.Length; i++)
        {
            // A small modulo bias (256 is not a multiple of 36 or 62) does not matter for an id.
            id[i] = alphabet[digest[i] % alphabet.Length];
        }

        return new string(id);
    }
}
