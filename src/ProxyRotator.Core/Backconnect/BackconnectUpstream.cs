using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// What makes an upstream a vendor's backconnect gateway: the dialect that writes each request's credentials and the
/// countries it serves. Immutable; shared by every snapshot that holds the upstream.
/// </summary>
public sealed class BackconnectUpstream
{
    public required string DialectName { get; init; }

    public required IBackconnectDialect Dialect { get; init; }

    public required CountryCoverage Countries { get; init; }

    /// <summary>Per-country probe results (kept across snapshots by the snapshot source).</summary>
    public CountryCoverageHealth Health { get; init; } = new();

    /// <summary>The template dialect's options as stored (JSON), null for a built-in dialect.</summary>
    public string? TemplateJson { get; init; }

    /// <summary>
    /// An empty targeting through the dialect: catches base credentials the dialect cannot use (a Bright Data URL
    /// without a zone, an IPRoyal one without a password, ...). Null when they are usable.
    /// </summary>
    public static TargetingError? CheckBaseCredentials(IBackconnectDialect dialect, UpstreamEndpoint endpoint, UpstreamType type)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(endpoint);
        BackconnectTranslation translation = dialect.Translate(new BackconnectRequest
        {
            Targeting = new TargetingParameters { Account = "config" },
            BaseCredentials = new BackconnectCredentials(endpoint.Username ?? string.Empty, endpoint.Password ?? string.Empty),
            SessionIds = NoSessionIds.Instance,
            UpstreamType = type,
        });
        return translation.Refusal;
    }

    /// <summary>The stored form of template options (the store keeps them as JSON beside the dialect name).</summary>
    public static string SerializeTemplate(TemplateDialectOptions options) => JsonSerializer.Serialize(options);

    /// <summary>Rebuilds a stored backconnect upstream; false (with a reason) when the stored dialect is unknown or malformed.</summary>
    public static bool TryCreate(
        string dialectName, string? templateJson, string? countries, CountryCoverageHealth? health, [NotNullWhen(true)] out BackconnectUpstream? upstream, out string? error)
    {
        upstream = null;
        ArgumentNullException.ThrowIfNull(dialectName);
        IBackconnectDialect dialect;
        if (dialectName == BackconnectDialectNames.Template)
        {
            TemplateDialectOptions? options;
            try
            {
                options = templateJson is null ? null : JsonSerializer.Deserialize<TemplateDialectOptions>(templateJson);
            }
            catch (JsonException ex)
            {
                error = "the stored template is not valid JSON: " + ex.Message;
                return false;
            }

            if (options is null)
            {
                error = "the template dialect has no stored template";
                return false;
            }

            if (!TemplateDialect.TryCreate(options, out TemplateDialect? compiled, out error))
            {
                return false;
            }

            dialect = compiled!;
        }
        else if (!BackconnectDialectRegistry.BuiltIn.TryGet(dialectName, out IBackconnectDialect? builtIn))
        {
            error = $"unknown dialect '{dialectName}'";
            return false;
        }
        else
        {
            dialect = builtIn;
        }

        upstream = new BackconnectUpstream
        {
            DialectName = dialectName,
            Dialect = dialect,
            Countries = CountryCoverage.Parse(countries),
            TemplateJson = templateJson,
            Health = health ?? new CountryCoverageHealth(),
        };
        error = null;
        return true;
    }

    /// <summary>The credential check sends no session, so it never asks for an id.</summary>
    private sealed class NoSessionIds : IVendorSessionIds
    {
        public static NoSessionIds Instance { get; } = new();

        public string Derive(string account, string sessionId, long epoch, VendorSessionIdFormat format) =>
            throw new InvalidOperationException("The credential check has no session.");
    }
}
