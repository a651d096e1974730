namespace ProxyRotator.Simulation.Backconnect;

/// <summary>
/// Oxylabs residential: <c>customer-USER(-cc-DE)(-st-us_california)(-city-los_angeles)(-sessid-ALNUM)(-sesstime-MIN)</c>;
/// a session lasts 10 min by default (sesstime 1..1440) or ends after 60 s without requests. No strict switch.
/// </summary>
public sealed class OxylabsGrammar(string user = "USERNAME", string accountPassword = "PASSWORD") : ISimulatedVendorGrammar
{
    private const string Header = "X-Oxylabs-Error";

    public string Dialect => "oxylabs";

    public (string Username, string Password) BaseCredentials => (user, accountPassword);

    public SimulatedVendorRejection PeerLost { get; } = new(502, "Bad Gateway", Header, "exit node unavailable");

    public SimulatedVendorRejection NoPeers(string country) => new(502, "Bad Gateway", Header, $"no exit nodes in {country}");

    public bool TryParse(string? username, string? password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection)
    {
        request = null;
        rejection = null;
        string prefix = "customer-" + user;
        if (username is null || password != accountPassword || !username.StartsWith(prefix, StringComparison.Ordinal)
            || (username.Length > prefix.Length && username[prefix.Length] != '-'))
        {
            rejection = Auth("invalid credentials");
            return false;
        }

        var parsed = new SimulatedVendorRequest { SessionTtl = TimeSpan.FromMinutes(10), IdleTimeout = TimeSpan.FromSeconds(60) };
        string rest = username.Length > prefix.Length ? username[(prefix.Length + 1)..] : string.Empty;
        if (rest.Length > 0)
        {
            if (!VendorTokens.TryPairs(rest, '-', new HashSet<string>(), out List<(string Key, string? Value)> pairs))
            {
                rejection = Auth("malformed username");
                return false;
            }

            bool sessionTime = false;
            foreach ((string key, string? value) in pairs)
            {
                switch (key)
                {
                    case "cc" when value!.Length == 2 && Core.Targeting.IsoCountryCodes.TryNormalize(value, out string? country):
                        parsed = parsed with { Country = country };
                        break;
                    case "st" when value!.StartsWith("us_", StringComparison.Ordinal) && VendorTokens.IsLowerWord(value[3..], underscores: true):
                        parsed = parsed with { State = value[3..] };
                        break;
                    case "city" when VendorTokens.IsLowerWord(value!, underscores: true):
                        parsed = parsed with { City = value };
                        break;
                    case "sessid" when VendorTokens.IsAlphanumeric(value!):
                        parsed = parsed with { SessionId = value };
                        break;
                    case "sesstime" when VendorTokens.TryNumber(value!, 1, 1440, out long minutes):
                        parsed = parsed with { SessionTtl = TimeSpan.FromMinutes(minutes) };
                        sessionTime = true;
                        break;
                    default:
                        rejection = Auth($"invalid parameter '{key}'");
                        return false;
                }
            }

            if (sessionTime && parsed.SessionId is null)
            {
                rejection = Auth("sesstime needs sessid");
                return false;
            }
        }

        request = parsed;
        return true;
    }

    private static SimulatedVendorRejection Auth(string detail) => new(407, "Proxy Authentication Required", Header, detail);
}
