using ProxyRotator.Core.Configuration;

namespace ProxyRotator.UnitTests.Configuration;

public sealed class BuiltInDefaultSecretsTests
{
    private static ProxyRotatorConfig Config(string gateway, string admin, string apiKey = BuiltInDefaultSecrets.AdminApiKey, string password = BuiltInDefaultSecrets.AccountPassword) => new()
    {
        Gateway = new GatewayOptions { Listen = ["127.0.0.1:8080", gateway] },
        Admin = new AdminOptions { Listen = admin, ApiKey = apiKey },
        Users = [new UserOptions { Name = "scraper", Password = password }, new UserOptions { Name = "other", Password = "own-password-1" }],
    };

    [Theory]
    [InlineData("127.0.0.2:8082", "127.0.0.1:8081")]
    [InlineData("[::1]:8082", "localhost:8081")]
    public void FindExposed_DefaultsOnLoopbackOnly_Nothing(string gateway, string admin) =>
        Assert.Empty(BuiltInDefaultSecrets.FindExposed(Config(gateway, admin)));

    [Fact]
    public void FindExposed_DefaultsOnAllInterfaces_NamesTheKeyAndTheAccount()
    {
        IReadOnlyList<string> found = BuiltInDefaultSecrets.FindExposed(Config("*:8080", "0.0.0.0:8081"));

        Assert.Collection(
            found,
            line => Assert.StartsWith("admin.apiKey is the built-in default", line, StringComparison.Ordinal),
            line => Assert.StartsWith("account 'scraper' uses the built-in default password", line, StringComparison.Ordinal));
        Assert.All(found, line => Assert.DoesNotContain(BuiltInDefaultSecrets.AccountPassword, line, StringComparison.Ordinal));
        Assert.All(found, line => Assert.DoesNotContain(BuiltInDefaultSecrets.AdminApiKey, line, StringComparison.Ordinal));
    }

    [Fact]
    public void FindExposed_OwnSecretsOnAllInterfaces_Nothing() =>
        Assert.Empty(BuiltInDefaultSecrets.FindExposed(Config("192.0.2.10:8080", "0.0.0.0:8081", apiKey: "a-real-key-0123456789", password: "a-real-password")));

    [Fact]
    public void Sample_FallsBackToTheseDefaults()
    {
        string sample = File.ReadAllText(Path.Combine(RepositoryRoot(), "pools.sample.json"));

        Assert.Contains($"${{PROXYROTATOR_API_KEY:-{BuiltInDefaultSecrets.AdminApiKey}}}", sample, StringComparison.Ordinal);
        Assert.Contains($"${{SCRAPER_PASSWORD:-{BuiltInDefaultSecrets.AccountPassword}}}", sample, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProxyRotator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ProxyRotator.sln not found above " + AppContext.BaseDirectory);
    }
}
