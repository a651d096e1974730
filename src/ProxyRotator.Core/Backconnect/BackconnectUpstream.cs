using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

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
}
