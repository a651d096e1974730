namespace ProxyRotator.Simulation.Backconnect;

/// <summary>
/// SOAX, current form: username = rules, password = package key. Rules <c>country-us|any</c>,
/// <c>city-los_angeles</c>, <c>sessionid-ALNUM</c>, <c>bind-node</c>, <c>onerror-replace</c>, <c>rotate-timed_N</c>;
/// at least one rule; bind-node never with the rotate/onerror rules. Errors in <c>X-SOAX-Error</c>.
/// </summary>
public sealed class SoaxGrammar(string packageKey = "pk_live_7Hq2") : ISimulatedVendorGrammar
{
    private const string Header = "X-SOAX-Error";

    public string Dialect => "soax";

    public (string Username, string Password) BaseCredentials => ("soax", packageKey);

    public SimulatedVendorRejection PeerLost { get; } = new(502, "Bad Gateway", Header, "bound node is unavailable");

    public SimulatedVendorRejection NoPeers(string country) => new(502, "Bad Gateway", Header, $"no nodes for country-{country.ToLowerInvariant()}");

    public bool TryParse(string? username, string? password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection)
    {
        request = null;
        rejection = null;
        if (password != packageKey)
        {
            rejection = Auth("invalid package key");
            return false;
        }

        if (string.IsNullOrEmpty(username))
        {
            rejection = Auth("at least one rule is required (e.g. country-any)");
            return false;
        }

        if (!VendorTokens.TryPairs(username, '-', new HashSet<string>(), out List<(string Key, string? Value)> pairs))
        {
            rejection = Auth("malformed rules");
            return false;
        }

        var parsed = new SimulatedVendorRequest { SessionTtl = TimeSpan.FromMinutes(10) };
        bool rotateOrReplace = false;
        foreach ((string key, string? value) in pairs)
        {
            switch (key)
            {
                case "country" when value == "any":
                    break;
                case "country" when VendorTokens.TryCountry(value!, upperCase: false, out string? country):
                    parsed = parsed with { Country = country };
                    break;
                case "city" when VendorTokens.IsLowerWord(value!, underscores: true):
                    parsed = parsed with { City = value };
                    break;
                case "sessionid" when VendorTokens.IsAlphanumeric(value!):
                    parsed = parsed with { SessionId = value };
                    break;
                case "bind" when value == "node":
                    parsed = parsed with { Strict = true };
                    break;
                case "onerror" when value == "replace":
                case "rotate" when value!.StartsWith("timed_", StringComparison.Ordinal) && VendorTokens.TryNumber(value[6..], 1, 86400, out _):
                    rotateOrReplace = true;
                    break;
                default:
                    rejection = Auth($"unknown rule '{key}'");
                    return false;
            }
        }

        if (parsed.Strict && rotateOrReplace)
        {
            rejection = Auth("bind-node cannot be combined with rotate or onerror rules");
            return false;
        }

        request = parsed;
        return true;
    }

    private static SimulatedVendorRejection Auth(string detail) => new(407, "Proxy Authentication Required", Header, detail);
}
