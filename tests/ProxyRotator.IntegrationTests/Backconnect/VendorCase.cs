using System.Net;
using Microsoft.Extensions.Time.Testing;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Simulation.Backconnect;

namespace ProxyRotator.IntegrationTests.Backconnect;

/// <summary>
/// One vendor for the end-to-end tests: our dialect that writes its credentials, the simulated gateway that parses
/// them as the vendor documents, and a username the vendor refuses as malformed.
/// </summary>
internal sealed record VendorCase(
    string Dialect,
    IBackconnectDialect Writer,
    Func<ISimulatedVendorGrammar> Grammar,
    byte ExitNetwork,
    (string User, string Password) Malformed,
    string ErrorHeader,
    bool HasStrictSwitch)
{
    private static readonly SessionOptions _sessions = new() { DefaultTtl = TimeSpan.FromMinutes(10), MaxTtl = TimeSpan.FromHours(24) };
    private static readonly KeyedVendorSessionIds _sessionIds = new("0123456789abcdef0123456789abcdef"u8);

    /// <summary>A vendor known only by the template a configuration declares for it (no state, no ASN; a strict flag).</summary>
    public static TemplateDialectOptions Template { get; } = new()
    {
        Username = "{user}[-country-{country}][-city-{city}][-sid-{session}][-ttl-{ttl}][-hold{strict}]",
        Password = "{password}",
        TtlUnit = TemplateTtlUnit.Minutes,
        SessionLength = 10,
    };

    private static TemplateDialect TemplateWriter =>
        TemplateDialect.TryCreate(Template, out TemplateDialect? dialect, out string? error) ? dialect! : throw new InvalidOperationException(error);

    public static VendorCase For(string dialect) => dialect switch
    {
        "brightdata" => new(dialect, new BrightDataDialect(), () => new BrightDataGrammar(), 20,
            ("brd-customer-hl_1234abcd-zone-res1-colour-red", "zonepass"), "X-Brd-Error", HasStrictSwitch: true),
        "oxylabs" => new(dialect, new OxylabsDialect(), () => new OxylabsGrammar(), 21,
            ("customer-USERNAME-cc-DE-sesstime-30", "PASSWORD"), "X-Oxylabs-Error", HasStrictSwitch: false),
        "decodo" => new(dialect, new DecodoDialect(), () => new DecodoGrammar(), 22,
            ("user-USERNAME-country-us-sessionduration-1441-session-abc", "PASSWORD"), "X-Decodo-Error", HasStrictSwitch: false),
        "iproyal" => new(dialect, new IpRoyalDialect(), () => new IpRoyalGrammar(), 23,
            ("username", "password_country-br_session-tooshort1_lifetime-10m"), "X-IPRoyal-Error", HasStrictSwitch: false),
        "soax" => new(dialect, new SoaxDialect(), () => new SoaxGrammar(), 24,
            ("country-us-sessionid-abc-bind-node-onerror-replace", "pk_live_7Hq2"), "X-SOAX-Error", HasStrictSwitch: true),
        "template" => new(dialect, TemplateWriter, () => new TemplateGrammar(Template), 25,
            ("tuser-country-DE", "tpass"), "Proxy-Status", HasStrictSwitch: true),
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };

    public SimulatedBackconnectGateway Start(FakeTimeProvider? time = null, bool bindsExitToConnection = false, IReadOnlyList<string>? countries = null) =>
        SimulatedBackconnectGateway.Start(new SimulatedBackconnectGatewayOptions
        {
            Grammar = Grammar(),
            ListenAddress = IPAddress.Parse("127.0.20." + (ExitNetwork - 19)),
            ExitNetwork = ExitNetwork,
            TimeProvider = time ?? TimeProvider.System,
            BindsExitToConnection = bindsExitToConnection,
            Countries = countries ?? ["US", "DE", "GB", "FR", "BR", "JP"],
        });

    /// <summary>The vendor credentials our dialect writes for one of OUR usernames.</summary>
    public BackconnectCredentials Credentials(SimulatedBackconnectGateway gateway, string ourUsername, long epoch = 0)
    {
        Assert.True(ProxyUsernameParser.TryParse(ourUsername, _sessions, out TargetingParameters? targeting, out TargetingError error), error.ToString());
        (string user, string password) = gateway.Grammar.BaseCredentials;
        BackconnectTranslation translation = Writer.Translate(new BackconnectRequest
        {
            Targeting = targeting!,
            BaseCredentials = new BackconnectCredentials(user, password),
            SessionIds = _sessionIds,
            SessionEpoch = epoch,
        });
        Assert.True(translation.Succeeded, translation.Refusal?.ToString());
        return translation.Credentials!.Value;
    }
}
