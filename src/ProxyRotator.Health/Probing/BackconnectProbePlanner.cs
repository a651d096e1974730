using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Health.Probing;

/// <summary>
/// Probes of a backconnect upstream go through its dialect, as traffic does: the base probe (no targeting; it drives
/// the upstream's score and lifecycle) and, each pass, a rotating sample of <see cref="CountriesPerPass"/> of its
/// countries (a country-targeted probe per sampled country, whose exit GeoIP must place in that country). A failure
/// there is the upstream's weakness in that country only (<see cref="CountryCoverageHealth"/>). <c>"countries": "*"</c>
/// samples <see cref="WildcardSample"/>.
/// </summary>
public static class BackconnectProbePlanner
{
    /// <summary>Countries probed per backconnect upstream and pass.</summary>
    public const int CountriesPerPass = 2;

    /// <summary>What an upstream serving every country is sampled from.</summary>
    public static IReadOnlyList<string> WildcardSample { get; } = ["US", "GB", "DE", "FR", "BR", "JP", "CA", "IN", "NL", "ES", "IT", "AU"];

    /// <summary>The endpoint a probe without targeting uses: the dialect's credentials for an empty targeting; null when the dialect refuses them.</summary>
    public static UpstreamEndpoint? BaseEndpoint(UpstreamEndpoint endpoint, UpstreamType type, BackconnectUpstream backconnect) =>
        Endpoint(endpoint, type, backconnect, country: null);

    /// <summary>The countries to probe in pass number <paramref name="pass"/>: a window that moves on every pass.</summary>
    public static IReadOnlyList<string> Sample(CountryCoverage coverage, long pass)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        IReadOnlyList<string> all = coverage.IsAll ? WildcardSample : [.. coverage.Countries.Order(StringComparer.Ordinal)];
        if (all.Count <= CountriesPerPass)
        {
            return all;
        }

        var sample = new List<string>(CountriesPerPass);
        for (int i = 0; i < CountriesPerPass; i++)
        {
            sample.Add(all[(int)(((pass * CountriesPerPass) + i) % all.Count)]);
        }

        return sample;
    }

    /// <summary>The endpoint carrying the dialect's credentials for a probe targeting <paramref name="country"/> (null: none).</summary>
    public static UpstreamEndpoint? Endpoint(UpstreamEndpoint endpoint, UpstreamType type, BackconnectUpstream backconnect, string? country)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(backconnect);
        BackconnectTranslation translation = backconnect.Dialect.Translate(new BackconnectRequest
        {
            Targeting = new TargetingParameters { Account = "health", Country = country },
            BaseCredentials = new BackconnectCredentials(endpoint.Username ?? string.Empty, endpoint.Password ?? string.Empty),
            SessionIds = NoSessionIds.Instance,
            UpstreamType = type,
        });
        return translation.Succeeded
            ? endpoint with { Username = translation.Credentials.Value.Username, Password = translation.Credentials.Value.Password }
            : null;
    }

    /// <summary>Probes have no session, so they never ask for a vendor session id.</summary>
    private sealed class NoSessionIds : IVendorSessionIds
    {
        public static NoSessionIds Instance { get; } = new();

        public string Derive(string account, string sessionId, long epoch, VendorSessionIdFormat format) =>
            throw new InvalidOperationException("A probe has no session.");
    }
}
