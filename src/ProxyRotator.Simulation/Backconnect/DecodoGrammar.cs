namespace ProxyRotator.Simulation.Backconnect;

/// <summary>
/// Decodo: <c>user-USER(-country-us)(-sessionduration-MIN)(-session-ALNUM)</c>; sticky 10 min by default,
/// sessionduration 1..1440 minutes. No strict switch.
/// </summary>
public sealed class DecodoGrammar(string user = "USERNAME", string accountPassword = "PASSWORD") : ISimulatedVendorGrammar
{
    private const string Header = "X-Decodo-Error";

    public string Dialect => "decodo";

    public (string Username, string Password) BaseCredentials => (user, accountPassword);

    public SimulatedVendorRejection PeerLost { get; } = new(502, "Bad Gateway", Header, "device offline");

    public SimulatedVendorRejection NoPeers(string country) => new(502, "Bad Gateway", Header, $"no devices in {country}");

    public bool TryParse(string? username, string? password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection)
    {
        request = null;
        rejection = null;
        string prefix = "user-" + user;
        if (username is null || password != accountPassword || !username.StartsWith(prefix, StringComparison.Ordinal)
            || (username.Length > prefix.Length && username[prefix.Length] != '-'))
        {
            rejection = Auth("invalid credentials");
            return false;
        }

        var parsed = new SimulatedVendorRequest { SessionTtl = TimeSpan.FromMinutes(10) };
        string rest = username.Length > prefix.Length ? username[(prefix.Length + 1)..] : string.Empty;
        if (rest.Length > 0)
        {
            if (!VendorTokens.TryPairs(rest, '-', new HashSet<string>(), out List<(string Key, string? Value)> pairs))
            {
                rejection = Auth("malformed username");
                return false;
            }

            foreach ((string key, string? value) in pairs)
            {
                switch (key)
                {
                    case "country" when VendorTokens.TryCountry(value!, upperCase: false, out string? country):
                        parsed = parsed with { Country = country };
                        break;
                    case "sessionduration" when VendorTokens.TryNumber(value!, 1, 1440, out long minutes):
                        parsed = parsed with { SessionTtl = TimeSpan.FromMinutes(minutes) };
                        break;
                    case "session" when VendorTokens.IsAlphanumeric(value!):
                        parsed = parsed with { SessionId = value };
                        break;
                    default:
                        rejection = Auth($"invalid parameter '{key}'");
                        return false;
                }
            }
        }

        request = parsed;
        return true;
    }

    private static SimulatedVendorRejection Auth(string detail) => new(407, "Proxy Authentication Required", Header, detail);
}
