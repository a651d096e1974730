using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace ProxyRotator.Gateway.Accounts;

/// <summary>
/// The keyed digest behind <see cref="CredentialVerdictCache"/>: AES-128 CBC-MAC over a length-prefixed message (a
/// prefix-free encoding, for which CBC-MAC is a secure PRF) with a random key made per process. On a CPU with AES
/// instructions it costs tens of nanoseconds per credential, against several hundred for SHA-256 through the
/// platform's crypto library; elsewhere it falls back to SHA-256 over key and message. Either way the output is 128
/// bits that nobody without the key can aim at, and the plain password is never kept.
/// </summary>
internal sealed class CredentialMac
{
    private const int BlockSize = 16;

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly byte[] _key;

    public CredentialMac(byte[]? key = null)
    {
        _key = key ?? RandomNumberGenerator.GetBytes(BlockSize);
        if (_key.Length != BlockSize)
        {
            throw new ArgumentException("the key is 16 bytes", nameof(key));
        }

        _roundKeys = X86Aes.IsSupported ? ExpandKey(Vector128.Create(_key)) : null;
    }

    /// <summary>Whether the AES instructions are used (else SHA-256).</summary>
    public bool IsAccelerated => _roundKeys is not null;

    /// <summary>The MAC of <paramref name="message"/>, 16 bytes into <paramref name="destination"/>.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        if (_roundKeys is not { } keys)
        {
            Span<byte> digest = stackalloc byte[32];
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                sha.AppendData(_key);
                sha.AppendData(message);
                sha.GetHashAndReset(digest);
            }

            digest[..BlockSize].CopyTo(destination);
            return;
        }

        // First block: the message length, so no message is a prefix of another.
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(block, message.Length);
        Vector128<byte> state = Encrypt(Vector128.Create<byte>(block), keys);
        while (message.Length >= BlockSize)
        {
            state = Encrypt(Sse2.Xor(state, Vector128.Create<byte>(message[..BlockSize])), keys);
            message = message[BlockSize..];
        }

        if (!message.IsEmpty)
        {
            block.Clear();
            message.CopyTo(block);
            state = Encrypt(Sse2.Xor(state, Vector128.Create<byte>(block)), keys);
        }

        state.CopyTo(destination);
    }

    /// <summary>One AES-128 block encryption (tested against the platform's AES).</summary>
    internal Vector128<byte> EncryptBlock(Vector128<byte> block) =>
        _roundKeys is { } keys ? Encrypt(block, keys) : throw new PlatformNotSupportedException();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Encrypt(Vector128<byte> block, Vector128<byte>[] keys)
    {
        block = Sse2.Xor(block, keys[0]);
        for (int round = 1; round < 10; round++)
        {
            block = X86Aes.Encrypt(block, keys[round]);
        }

        return X86Aes.EncryptLast(block, keys[10]);
    }

    private static Vector128<byte>[] ExpandKey(Vector128<byte> key)
    {
        var keys = new Vector128<byte>[11];
        keys[0] = key;
        keys[1] = Next(keys[0], X86Aes.KeygenAssist(keys[0], 0x01));
        keys[2] = Next(keys[1], X86Aes.KeygenAssist(keys[1], 0x02));
        keys[3] = Next(keys[2], X86Aes.KeygenAssist(keys[2], 0x04));
        keys[4] = Next(keys[3], X86Aes.KeygenAssist(keys[3], 0x08));
        keys[5] = Next(keys[4], X86Aes.KeygenAssist(keys[4], 0x10));
        keys[6] = Next(keys[5], X86Aes.KeygenAssist(keys[5], 0x20));
        keys[7] = Next(keys[6], X86Aes.KeygenAssist(keys[6], 0x40));
        keys[8] = Next(keys[7], X86Aes.KeygenAssist(keys[7], 0x80));
        keys[9] = Next(keys[8], X86Aes.KeygenAssist(keys[8], 0x1B));
        keys[10] = Next(keys[9], X86Aes.KeygenAssist(keys[9], 0x36));
        return keys;
    }

    private static Vector128<byte> Next(Vector128<byte> key, Vector128<byte> assist)
    {
        Vector128<byte> word = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        return Sse2.Xor(key, word);
    }
}
