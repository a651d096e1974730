using System.Net;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.GeoIp;

/// <summary>What the configured databases say about one IP address; each part says whether it was found.</summary>
public sealed record GeoIpResult
{
    /// <summary>The text that was looked up, as given.</summary>
    public required string Query { get; init; }

    /// <summary>Null when <see cref="Query"/> is not an IP address.</summary>
    public IPAddress? Address { get; init; }

    public required GeoIpLookupStatus CountryStatus { get; init; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public string? Country { get; init; }

    /// <summary>English name of the country, when the database has one.</summary>
    public string? CountryName { get; init; }

    /// <summary>From City databases only: lower case with <c>_</c> for spaces.</summary>
    public string? City { get; init; }

    /// <summary>The database network that holds the address, e.g. <c>81.2.69.0/24</c>.</summary>
    public string? CountryNetwork { get; init; }

    public required GeoIpLookupStatus ConnectionTypeStatus { get; init; }

    /// <summary>MaxMind's value: <c>Cable/DSL</c>, <c>Cellular</c>, <c>Corporate</c>, <c>Satellite</c>, <c>Dialup</c>.</summary>
    public string? ConnectionType { get; init; }

    /// <summary><see cref="ConnectionType"/> as an upstream type (see <see cref="GeoIpConnectionTypes"/>).</summary>
    public UpstreamType? UpstreamType { get; init; }

    public static GeoIpResult InvalidAddress(string query) => new()
    {
        Query = query,
        CountryStatus = GeoIpLookupStatus.InvalidAddress,
        ConnectionTypeStatus = GeoIpLookupStatus.InvalidAddress,
    };
}
