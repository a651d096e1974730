using ProxyRotator.Core.Accounts;

namespace ProxyRotator.UnitTests.Accounts;

public sealed class AccountPasswordHasherTests
{
    [Fact]
    public void Hash_IsSaltedPbkdf2WithAtLeast100kIterations_AndVerifies()
    {
        string first = AccountPasswordHasher.Hash("correct horse");
        string second = AccountPasswordHasher.Hash("correct horse");

        Assert.StartsWith("pbkdf2-sha256$100000$", first);
        Assert.NotEqual(first, second); // salted
        Assert.DoesNotContain("correct horse", first);
        Assert.True(AccountPasswordHasher.Verify("correct horse", first));
        Assert.False(AccountPasswordHasher.Verify("correct horsE", first));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("md5$1$x$y")]
    [InlineData("pbkdf2-sha256$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$10$!!$AAAA")]
    public void Verify_MalformedHash_False(string? hash) => Assert.False(AccountPasswordHasher.Verify("x", hash));
}
