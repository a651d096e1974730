using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace ProxyRotator.Gateway.Accounts;

/// <summary>
/// Remembers, for a credential already checked against its slow hash, whether it was right, so a client's every
/// request does not pay PBKDF2 again. Keyed by a keyed SHA-256 digest of account and password (a random key per
/// process; the plain password is never kept). A verdict holds the password hash it was checked against: after a
/// password change or a disable the account's entry no longer matches and the verdict is ignored (and dropped at the
/// next publish). Bounded: when full it starts again empty, which costs a re-check, never a wrong answer.
/// </summary>
public sealed class CredentialVerdictCache
{
    public const int DefaultCapacity = 65_536;

    // Typical credentials fit on the stack; a small buffer keeps its zeroing cheap on every request.
    private const int StackInputBytes = 512;

    private readonly CredentialMac _mac = new();
    private readonly ConcurrentDictionary<CredentialDigest, CredentialVerdict> _verdicts = new();
    private readonly int _capacity;
    private int _count;
    private int _generation;

    public CredentialVerdictCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Changes whenever verdicts may have gone (the cache started over, or stale ones were dropped): a verdict
    /// remembered under the same generation is still here.
    /// </summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>The keyed digest of a credential (account name as sent, password).</summary>
    public CredentialDigest Digest(ReadOnlySpan<char> account, ReadOnlySpan<char> password)
    {
        int needed = Encoding.UTF8.GetMaxByteCount(account.Length) + 1 + Encoding.UTF8.GetMaxByteCount(password.Length);
        byte[]? rented = needed > StackInputBytes ? System.Buffers.ArrayPool<byte>.Shared.Rent(needed) : null;
        Span<byte> input = rented ?? stackalloc byte[StackInputBytes];
        int length = Encoding.UTF8.GetBytes(account, input);
        input[length++] = 0;
        length += Encoding.UTF8.GetBytes(password, input[length..]);
        Span<byte> digest = stackalloc byte[16];
        _mac.Compute(input[..length], digest);
        CryptographicOperations.ZeroMemory(input[..length]);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        return MemoryMarshal.Read<CredentialDigest>(digest);
    }

    /// <summary>The verdict remembered for <paramref name="digest"/> when it was made against <paramref name="passwordHash"/>.</summary>
    public bool TryGet(in CredentialDigest digest, string? passwordHash, out bool passwordOk)
    {
        if (_verdicts.TryGetValue(digest, out CredentialVerdict? verdict) && string.Equals(verdict.PasswordHash, passwordHash, StringComparison.Ordinal))
        {
            passwordOk = verdict.PasswordOk;
            return true;
        }

        passwordOk = false;
        return false;
    }

    public void Remember(in CredentialDigest digest, string account, string? passwordHash, bool passwordOk)
    {
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Increment(ref _generation);
            _verdicts.Clear();
            Volatile.Write(ref _count, 1);
        }

        var verdict = new CredentialVerdict(account, passwordHash, passwordOk);
        if (!_verdicts.TryAdd(digest, verdict))
        {
            _verdicts[digest] = verdict;
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Drops verdicts made against a password hash the account no longer has (after a publish).</summary>
    public void DropStale(Func<string, string?> currentHash)
    {
        ArgumentNullException.ThrowIfNull(currentHash);
        Interlocked.Increment(ref _generation);
        foreach ((CredentialDigest digest, CredentialVerdict verdict) in _verdicts)
        {
            if (!string.Equals(currentHash(verdict.Account), verdict.PasswordHash, StringComparison.Ordinal)
                && _verdicts.TryRemove(digest, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private sealed record CredentialVerdict(string Account, string? PasswordHash, bool PasswordOk);
}
