using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;

namespace ProxyRotator.Commands;

/// <summary>
/// <c>geoip lookup IP [--country-db F] [--connection-type-db F] [--config FILE] [--json]</c>: what the databases
/// say about one address. Databases given as options win over those of the configuration file.
/// Exit 0 whether or not the address is found (that is the answer); 2 for an invalid IP, an invalid database file,
/// or no database at all.
/// </summary>
public static class GeoIpLookupCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static Command Create()
    {
        var ip = new Argument<string>("IP") { Description = "IPv4 or IPv6 address to look up" };
        var countryDb = new Option<string?>("--country-db") { Description = "MaxMind Country or City database (.mmdb)", HelpName = "FILE" };
        var connectionTypeDb = new Option<string?>("--connection-type-db") { Description = "MaxMind Connection-Type database (.mmdb)", HelpName = "FILE" };
        Option<string> config = ConfigFileOption.Create(required: false);
        config.Description = "Take the databases from this configuration file's geoip section";
        var json = new Option<bool>("--json") { Description = "Print JSON" };

        var command = new Command("lookup", "Look up the country and connection type of an IP address");
        command.Arguments.Add(ip);
        command.Options.Add(countryDb);
        command.Options.Add(connectionTypeDb);
        command.Options.Add(config);
        command.Options.Add(json);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            string query = parseResult.GetRequiredValue(ip);
            TextWriter output = parseResult.InvocationConfiguration.Output;
            if (!GeoIpLookup.TryParseAddress(query, out _))
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"'{query}' is not an IP address".AsMemory(), cancellationToken);
                return ExitCodes.UsageError;
            }

            GeoIpOptions databases = parseResult.GetValue(config) is { } configFile ? ConfigLoader.Load(configFile).GeoIp : new GeoIpOptions();
            string? country = parseResult.GetValue(countryDb) ?? databases.CountryDb;
            string? connectionType = parseResult.GetValue(connectionTypeDb) ?? databases.ConnectionTypeDb;

            if (string.IsNullOrEmpty(country) && string.IsNullOrEmpty(connectionType))
            {
                // Nothing to look in is a usage error, not an answer.
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                    "no GeoIP database: pass --country-db FILE and/or --connection-type-db FILE, or --config FILE with a geoip section".AsMemory(), cancellationToken);
                return ExitCodes.UsageError;
            }

            using GeoIpLookup lookup = GeoIpLookup.Open(country, connectionType);
            GeoIpResult result = lookup.Lookup(query);
            string text = parseResult.GetValue(json) ? JsonSerializer.Serialize(ToJson(result, lookup), JsonOptions) : ToText(result, lookup);
            await output.WriteLineAsync(text.AsMemory(), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ToText(GeoIpResult result, GeoIpLookup lookup)
    {
        var lines = new List<string> { $"ip:               {result.Address}" };
        lines.Add("country:          " + result.CountryStatus switch
        {
            GeoIpLookupStatus.Found => result.CountryName is null ? result.Country! : $"{result.Country} ({result.CountryName})",
            GeoIpLookupStatus.NotFound => $"not found in the {lookup.CountryDatabaseType} database",
            _ => "no database (use --country-db or geoip.countryDb)",
        });
        if (result.City is not null)
        {
            lines.Add($"city:             {result.City}");
        }

        if (result.CountryNetwork is not null)
        {
            lines.Add($"network:          {result.CountryNetwork}");
        }

        lines.Add("connection type:  " + result.ConnectionTypeStatus switch
        {
            GeoIpLookupStatus.Found => result.UpstreamType is { } type
                ? $"{result.ConnectionType} ({UpstreamTypeNames.ToName(type)})"
                : result.ConnectionType!,
            GeoIpLookupStatus.NotFound => $"not found in the {lookup.ConnectionTypeDatabaseType} database",
            _ => "no database (use --connection-type-db or geoip.connectionTypeDb)",
        });
        return string.Join(Environment.NewLine, lines);
    }

    private static object ToJson(GeoIpResult result, GeoIpLookup lookup) => new
    {
        ip = result.Address?.ToString(),
        country = new
        {
            status = StatusName(result.CountryStatus),
            isoCode = result.Country,
            name = result.CountryName,
            city = result.City,
            network = result.CountryNetwork,
            database = lookup.CountryDatabaseType,
        },
        connectionType = new
        {
            status = StatusName(result.ConnectionTypeStatus),
            value = result.ConnectionType,
            upstreamType = result.UpstreamType is { } type ? UpstreamTypeNames.ToName(type) : null,
            database = lookup.ConnectionTypeDatabaseType,
        },
    };

    private static string StatusName(GeoIpLookupStatus status) => status switch
    {
        GeoIpLookupStatus.Found => "found",
        GeoIpLookupStatus.NotFound => "not-found",
        GeoIpLookupStatus.NoDatabase => "no-database",
        _ => "invalid-address",
    };
}
