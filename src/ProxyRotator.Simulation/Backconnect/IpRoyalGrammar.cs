namespace ProxyRotator.Simulation.Backconnect;

/// <summary>
/// IPRoyal residential: parameters in the password, <c>PASSWORD(_country-br)(_city-chicago)(_state-iowa)
/// (_session-8ALNUM)(_lifetime-N{s|m|h|d})</c>; state is US only; the session id is exactly 8 alphanumerics; the
/// lifetime 1 s .. 7 d.
/// </summary>
public sealed class IpRoyalGrammar(string user = "username", string accountPassword = "password") : ISimulatedVendorGrammar
{
    private const string Header = "X-IPRoyal-Error";

    public string Dialect => "iproyal";

    public (string Username, string Password) BaseCredentials => (user, accountPassword);

    public SimulatedVendorRejection PeerLost { get; } = new(502, "Bad Gateway", Header, "session exit unavailable");

    public SimulatedVendorRejection NoPeers(string country) => new(502, "Bad Gateway", Header, $"no proxies in {country}");

    public bool TryParse(string? username, string? password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection)
    {
        request = null;
        rejection = null;
        if (username != user || password is null || !password.StartsWith(accountPassword, StringComparison.Ordinal)
            || (password.Length > accountPassword.Length && password[accountPassword.Length] != '_'))
        {
            rejection = Auth("invalid credentials");
            return false;
        }

        var parsed = new SimulatedVendorRequest { SessionTtl = TimeSpan.FromMinutes(10) };
        string rest = password.Length > accountPassword.Length ? password[(accountPassword.Length + 1)..] : string.Empty;
        bool lifetime = false;
        foreach (string token in rest.Length == 0 ? [] : rest.Split('_'))
        {
            int dash = token.IndexOf('-', StringComparison.Ordinal);
            string key = dash < 0 ? token : token[..dash];
            string value = dash < 0 ? string.Empty : token[(dash + 1)..];
            switch (key)
            {
                case "country" when VendorTokens.TryCountry(value, upperCase: false, out string? country):
                    parsed = parsed with { Country = country };
                    break;
                case "city" when VendorTokens.IsLowerWord(value, underscores: false):
                    parsed = parsed with { City = value };
                    break;
                case "state" when VendorTokens.IsLowerWord(value, underscores: false):
                    parsed = parsed with { State = value };
                    break;
                case "session" when value.Length == 8 && VendorTokens.IsAlphanumeric(value):
                    parsed = parsed with { SessionId = value };
                    break;
                case "lifetime" when TryLifetime(value, out TimeSpan ttl):
                    parsed = parsed with { SessionTtl = ttl };
                    lifetime = true;
                    break;
                default:
                    rejection = Auth($"invalid parameter '{key}'");
                    return false;
            }
        }

        if (parsed.State is not null && parsed.Country != "US")
        {
            rejection = Auth("state is available for the US only");
            return false;
        }

        if (lifetime && parsed.SessionId is null)
        {
            rejection = Auth("lifetime needs session");
            return false;
        }

        request = parsed;
        return true;
    }

    private static bool TryLifetime(string value, out TimeSpan ttl)
    {
        ttl = default;
        if (value.Length < 2 || !VendorTokens.TryNumber(value[..^1], 1, 604800, out long number))
        {
            return false;
        }

        ttl = value[^1] switch
        {
            's' => TimeSpan.FromSeconds(number),
            'm' => TimeSpan.FromMinutes(number),
            'h' => TimeSpan.FromHours(number),
            'd' => TimeSpan.FromDays(number),
            _ => TimeSpan.Zero,
        };
        return ttl >= TimeSpan.FromSeconds(1) && ttl <= TimeSpan.FromDays(7);
    }

    private static SimulatedVendorRejection Auth(string detail) => new(407, "Proxy Authentication Required", Header, detail);
}
