using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// What of a <c>Basic</c> <c>Proxy-Authorization</c> admission's slow check depends on: the account (the username up to
/// its first <c>-</c>, <see cref="ProxyUsernameParser.AccountOf"/>) and the password. Two values that agree on both
/// differ at most in targeting (a new session id on every request, another country), so a verdict remembered for one
/// (<see cref="Accounts.CredentialVerdictCache"/> keys on account and password) serves the other without a hash.
/// </summary>
public static class BasicCredentialIdentity
{
    // Enough for every credential a client is likely to send; longer ones answer false, which only costs a caller its
    // slow path.
    private const int MaxDecodedBytes = 384;

    /// <summary>Whether both decode and name the same account with the same password (byte for byte).</summary>
    public static bool SameAccountAndPassword(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        Span<byte> a = stackalloc byte[MaxDecodedBytes];
        Span<byte> b = stackalloc byte[MaxDecodedBytes];
        return TryDecode(first, a, out int aLength, out int aAccount, out int aColon)
            && TryDecode(second, b, out int bLength, out int bAccount, out int bColon)
            && a[..aAccount].SequenceEqual(b[..bAccount])
            && a[(aColon + 1)..aLength].SequenceEqual(b[(bColon + 1)..bLength]);
    }

    /// <summary>Decodes the value (<see cref="BasicProxyAuthorization.TryDecode"/>) and finds its account and its colon.</summary>
    private static bool TryDecode(ReadOnlySpan<char> headerValue, Span<byte> decoded, out int length, out int accountLength, out int colon)
    {
        accountLength = colon = 0;
        if (!BasicProxyAuthorization.TryDecode(headerValue, decoded, out length))
        {
            return false;
        }

        colon = decoded[..length].IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        int dash = decoded[..colon].IndexOf((byte)'-');
        accountLength = dash < 0 ? colon : dash;
        return true;
    }
}
