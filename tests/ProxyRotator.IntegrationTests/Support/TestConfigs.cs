using ProxyRotator.Core.Configuration;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>Product configurations for tests: free ports, a temp SQLite file, short timeouts, private targets allowed.</summary>
public static class TestConfigs
{
    public const string User = "scraper";
    public const string Password = "s3cret-pass";

    public static ProxyRotatorConfig Create(string databasePath, List<PoolOptions> pools, Action<GatewayOptions>? gateway = null)
    {
        var config = new ProxyRotatorConfig
        {
            Database = $"Data Source={databasePath}",
            Gateway = new GatewayOptions
            {
                Listen = ["127.0.0.1:0"],
                ConnectTimeout = TimeSpan.FromSeconds(1),
                ResponseTimeout = TimeSpan.FromSeconds(3),
                HeaderTimeout = TimeSpan.FromSeconds(2),
                IdleTimeout = TimeSpan.FromSeconds(10),
                MaxAttempts = 3,
                AllowPrivateTargets = true,
            },
            Admin = new AdminOptions { Listen = "127.0.0.1:0", ApiKey = "test-api-key" },
            Users = [new UserOptions { Name = User, Password = Password, Pools = ["*"] }],
            Pools = pools,
        };
        gateway?.Invoke(config.Gateway);
        return config;
    }
}
