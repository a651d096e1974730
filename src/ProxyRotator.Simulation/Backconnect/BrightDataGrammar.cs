namespace ProxyRotator.Simulation.Backconnect;

/// <summary>
/// Bright Data: <c>brd-customer-ID-zone-ZONE(-country-us)(-state-ny)(-city-sanfrancisco)(-zip-N)(-asn-N)(-os-X)
/// (-session-ALNUM(-const))</c>; state needs country-us; a session dies after 60 s idle; <c>-const</c> answers 502
/// when its peer is gone. Errors carry <c>X-Brd-Error</c>.
/// </summary>
public sealed class BrightDataGrammar(string customer = "hl_1234abcd", string zone = "res1", string accountPassword = "zonepass") : ISimulatedVendorGrammar
{
    private const string Header = "X-Brd-Error";
    private static readonly HashSet<string> _flags = ["const"];

    private string Prefix => $"brd-customer-{customer}-zone-{zone}";

    public string Dialect => "brightdata";

    public (string Username, string Password) BaseCredentials => (Prefix, accountPassword);

    public SimulatedVendorRejection PeerLost { get; } = new(502, "Bad Gateway", Header, "Failed to establish connection with peer");

    public SimulatedVendorRejection NoPeers(string country) => new(502, "Bad Gateway", Header, $"No peers available in country {country.ToLowerInvariant()}");

    public bool TryParse(string? username, string? password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection)
    {
        request = null;
        rejection = null;
        if (username is null || password != accountPassword || !username.StartsWith(Prefix, StringComparison.Ordinal)
            || (username.Length > Prefix.Length && username[Prefix.Length] != '-'))
        {
            rejection = Auth("Auth failed: wrong customer, zone or password");
            return false;
        }

        string rest = username.Length > Prefix.Length ? username[(Prefix.Length + 1)..] : string.Empty;
        var parsed = new SimulatedVendorRequest { SessionTtl = TimeSpan.FromDays(7), IdleTimeout = TimeSpan.FromSeconds(60) };
        if (rest.Length == 0)
        {
            request = parsed;
            return true;
        }

        if (!VendorTokens.TryPairs(rest, '-', _flags, out List<(string Key, string? Value)> pairs))
        {
            rejection = Auth("Auth failed: malformed username");
            return false;
        }

        string? previous = null;
        foreach ((string key, string? value) in pairs)
        {
            switch (key)
            {
                case "country" when VendorTokens.TryCountry(value!, upperCase: false, out string? country):
                    parsed = parsed with { Country = country };
                    break;
                case "state" when value!.Length == 2 && VendorTokens.IsLowerWord(value, underscores: false):
                    parsed = parsed with { State = value };
                    break;
                case "city" when VendorTokens.IsLowerWord(value!, underscores: false):
                    parsed = parsed with { City = value };
                    break;
                case "asn" when VendorTokens.TryNumber(value!, 1, uint.MaxValue, out long asn):
                    parsed = parsed with { Asn = (uint)asn };
                    break;
                case "zip" or "os" or "ip":
                    break;
                case "session" when VendorTokens.IsAlphanumeric(value!):
                    parsed = parsed with { SessionId = value };
                    break;
                case "const" when previous == "session":
                    parsed = parsed with { Strict = true };
                    break;
                default:
                    rejection = Auth($"Auth failed: invalid username option '{key}'");
                    return false;
            }

            previous = key;
        }

        if (parsed.State is not null && parsed.Country != "US")
        {
            rejection = Auth("Auth failed: state requires country-us");
            return false;
        }

        request = parsed;
        return true;
    }

    private static SimulatedVendorRejection Auth(string detail) => new(407, "Proxy Authentication Required", Header, detail);
}
