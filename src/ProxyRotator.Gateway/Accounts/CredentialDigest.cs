using System.Runtime.InteropServices;

namespace ProxyRotator.Gateway.Accounts;

/// <summary>A 128-bit keyed digest of a credential, the key of <see cref="CredentialVerdictCache"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct CredentialDigest(ulong A, ulong B)
{
    public override int GetHashCode() => (int)A;
}
