using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ProxyRotator.Core.Backconnect;

namespace ProxyRotator.Simulation.Backconnect;

/// <summary>
/// A vendor whose syntax a configuration declares as a template (<see cref="TemplateDialectOptions"/>): it parses
/// the username and password by the same templates, so what our <see cref="TemplateDialect"/> writes is read back
/// the way such a vendor would. Country and value case, the TTL unit (default 10 min) and the session id's charset
/// are checked; anything the templates do not match is refused with 407. Such a vendor has no error header of its
/// own that ProxyRotator knows, so its errors speak RFC 9209 <c>Proxy-Status</c>.
/// </summary>
public sealed class TemplateGrammar : ISimulatedVendorGrammar
{
    private const string Header = "Proxy-Status";

    private readonly TemplateDialectOptions _options;
    private readonly string _user;
    private readonly string _accountPassword;
    private readonly Regex _username;
    private readonly Regex _password;

    public TemplateGrammar(TemplateDialectOptions options, string user = "tuser", string accountPassword = "tpass")
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _user = user;
        _accountPassword = accountPassword;
        _username = Compile(options.Username);
        _password = Compile(options.Password);
    }

    public string Dialect => BackconnectDialectNames.Template;

    public (string Username, string Password) BaseCredentials => (_user, _accountPassword);

    public SimulatedVendorRejection PeerLost { get; } = new(502, "Bad Gateway", Header, "simulated-vendor; error=proxy_internal_error; details=\"peer lost\"");

    public SimulatedVendorRejection NoPeers(string country) => new(502, "Bad Gateway", Header, $"simulated-vendor; error=proxy_internal_error; details=\"no peers in {country}\"");

    public bool TryParse(string? username, string? password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection)
    {
        request = null;
        rejection = null;
        Match user = _username.Match(username ?? string.Empty);
        Match pass = _password.Match(password ?? string.Empty);
        if (!user.Success || !pass.Success)
        {
            rejection = Auth("credentials do not match the template");
            return false;
        }

        string? Value(string name) =>
            user.Groups[name].Success ? user.Groups[name].Value : pass.Groups[name].Success ? pass.Groups[name].Value : null;

        var parsed = new SimulatedVendorRequest { SessionTtl = TimeSpan.FromMinutes(10) };
        if (Value("country") is { } countryText)
        {
            bool upper = _options.CountryCase == TemplateCase.Upper;
            if (!VendorTokens.TryCountry(countryText, upper, out string? country))
            {
                rejection = Auth($"bad country '{countryText}'");
                return false;
            }

            parsed = parsed with { Country = country };
        }

        if (Value("city") is { } city)
        {
            parsed = parsed with { City = city };
        }

        if (Value("state") is { } state)
        {
            parsed = parsed with { State = state };
        }

        if (Value("asn") is { } asn)
        {
            parsed = parsed with { Asn = uint.Parse(asn, CultureInfo.InvariantCulture) };
        }

        if (Value("session") is { } session)
        {
            if (session.Length != _options.SessionLength)
            {
                rejection = Auth($"session id must be {_options.SessionLength} characters");
                return false;
            }

            parsed = parsed with { SessionId = session, Strict = Value("strict") is not null };
        }

        if (Value("ttl") is { } ttl)
        {
            if (!TryParseTtl(ttl, out TimeSpan lifetime))
            {
                rejection = Auth($"bad ttl '{ttl}'");
                return false;
            }

            parsed = parsed with { SessionTtl = lifetime };
        }

        request = parsed;
        return true;
    }

    private bool TryParseTtl(string text, out TimeSpan ttl)
    {
        ttl = default;
        if (_options.TtlUnit == TemplateTtlUnit.Suffixed)
        {
            if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long amount))
            {
                return false;
            }

            ttl = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => TimeSpan.Zero,
            };
            return ttl > TimeSpan.Zero;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number < 1)
        {
            return false;
        }

        ttl = _options.TtlUnit switch
        {
            TemplateTtlUnit.Seconds => TimeSpan.FromSeconds(number),
            TemplateTtlUnit.Hours => TimeSpan.FromHours(number),
            _ => TimeSpan.FromMinutes(number),
        };
        return true;
    }

    /// <summary>The template as an anchored pattern: literals as they are, <c>[...]</c> optional, placeholders as named groups.</summary>
    private Regex Compile(string template)
    {
        string country = _options.CountryCase == TemplateCase.Upper ? "[A-Z]{2}" : "[a-z]{2}";
        string word = $"[A-Za-z0-9{Regex.Escape(_options.Separator)}_]+";
        string session = _options.SessionCharset switch
        {
            VendorSessionIdCharset.Digits => "[0-9]+",
            VendorSessionIdCharset.Hex => "[0-9a-f]+",
            VendorSessionIdCharset.LowerAlphanumeric => "[a-z0-9]+",
            _ => "[A-Za-z0-9]+",
        };
        var pattern = new StringBuilder("^");
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '[')
            {
                pattern.Append("(?:");
            }
            else if (c == ']')
            {
                pattern.Append(")?");
            }
            else if (c == '{')
            {
                int close = template.IndexOf('}', i + 1);
                string name = template[(i + 1)..close];
                pattern.Append(name switch
                {
                    "user" => Regex.Escape(_user),
                    "password" => Regex.Escape(_accountPassword),
                    "country" => $"(?<country>{country})",
                    "city" or "state" => $"(?<{name}>{word})",
                    "asn" => "(?<asn>[0-9]{1,10})",
                    "session" => $"(?<session>{session})",
                    "ttl" => "(?<ttl>[0-9]+[smhd]?)",
                    _ => "(?<strict>)",
                });
                i = close;
            }
            else
            {
                pattern.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static SimulatedVendorRejection Auth(string detail) => new(407, "Proxy Authentication Required", Header, $"simulated-vendor; error=http_request_denied; details=\"{detail}\"");
}
