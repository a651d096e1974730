using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using ProxyRotator.Gateway.Accounts;

namespace ProxyRotator.UnitTests.Gateway.Accounts;

public sealed class CredentialMacTests
{
    [Fact]
    public void EncryptBlock_MatchesThePlatformsAes128()
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        var mac = new CredentialMac(key);
        if (!mac.IsAccelerated)
        {
            return; // SHA-256 fallback: nothing of our own to check
        }

        using var reference = Aes.Create();
        reference.Key = key;
        for (int i = 0; i < 50; i++)
        {
            byte[] block = RandomNumberGenerator.GetBytes(16);
            byte[] expected = reference.EncryptEcb(block, PaddingMode.None);

            byte[] actual = new byte[16];
            mac.EncryptBlock(Vector128.Create(block)).CopyTo(actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Compute_DiffersForPrefixesPaddingAndKeys()
    {
        var mac = new CredentialMac();
        byte[] a = Compute(mac, [1, 2, 3]);

        Assert.Equal(a, Compute(mac, [1, 2, 3]));
        Assert.NotEqual(a, Compute(mac, [1, 2, 3, 0])); // zero padding does not collide: the length is MACed
        Assert.NotEqual(a, Compute(mac, [1, 2]));
        Assert.NotEqual(Compute(mac, new byte[16]), Compute(mac, new byte[32]));
        Assert.NotEqual(a, Compute(new CredentialMac(), [1, 2, 3]));
    }

    private static byte[] Compute(CredentialMac mac, byte[] message)
    {
        byte[] output = new byte[16];
        mac.Compute(message, output);
        return output;
    }
}
