using System.Security.Cryptography;
using System.Text;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.UnitTests.Gateway.Observability;

public sealed class TargetHostHasherTests
{
    private const string Key = "0123456789abcdef-key";

    private static string Expected(string host) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(host))[..16]);

    [Fact]
    public void Hash_Host_IsTruncatedHmacSha256OfTheLowerCaseHost()
    {
        using var hasher = new TargetHostHasher(Key);

        Assert.Equal(Expected("example.com"), hasher.Hash("Example.COM"));
        Assert.Equal(Expected("example.com"), hasher.Hash("example.com")); // state resets between hashes
    }

    [Fact]
    public void Hash_ManyThreads_GivesTheSameAnswers()
    {
        using var hasher = new TargetHostHasher(Key);
        string[] hosts = [.. Enumerable.Range(0, 64).Select(i => $"host{i}.example")];

        string[][] results = [.. Enumerable.Range(0, 8).AsParallel().Select(_ => hosts.Select(hasher.Hash).ToArray())];

        Assert.All(results, r => Assert.Equal(hosts.Select(Expected), r));
    }
}
