namespace ProxyRotator.Core.Configuration;

/// <summary>
/// The secrets <c>pools.sample.json</c> falls back to when their environment variables are unset, so the sample runs
/// as it is on a fresh machine. Fine on loopback; on any other listener everyone who read the README knows them, so
/// start-up warns (<see cref="FindExposed"/>) and the Docker image's configuration must not contain them.
/// </summary>
public static class BuiltInDefaultSecrets
{
    public const string AdminApiKey = "change-me-local-only-key";

    public const string AccountPassword = "scraper-local-password";

    /// <summary>One line per built-in default secret in use on a listener that is not loopback-only; empty when none.</summary>
    public static IReadOnlyList<string> FindExposed(ProxyRotatorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var found = new List<string>();
        if (config.Admin.ApiKey == AdminApiKey && !IsLoopbackOnly(config.Admin.Listen))
        {
            found.Add($"admin.apiKey is the built-in default of pools.sample.json and admin.listen ({config.Admin.Listen}) is not loopback: set PROXYROTATOR_API_KEY");
        }

        string? exposedGateway = config.Gateway.Listen.FirstOrDefault(listen => !IsLoopbackOnly(listen));
        if (exposedGateway is not null)
        {
            foreach (UserOptions user in config.Users.Where(user => user.Password == AccountPassword))
            {
                found.Add($"account '{user.Name}' uses the built-in default password of pools.sample.json and gateway.listen has {exposedGateway}, which is not loopback: set its password");
            }
        }

        return found;
    }

    private static bool IsLoopbackOnly(string listen) =>
        ListenAddress.TryParse(listen, allowAnyPort: true, out ListenAddress? address, out _)
        && (address!.IsLocalhost || (address.Address is { } ip && System.Net.IPAddress.IsLoopback(ip)));
}
