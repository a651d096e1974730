using System.Collections.Frozen;

namespace ProxyRotator.Core.Backconnect;

/// <summary>The countries a backconnect upstream serves: a list of ISO 3166-1 alpha-2 codes, or all (<c>"*"</c>).</summary>
public sealed class CountryCoverage
{
    private readonly FrozenSet<string> _countries;

    private CountryCoverage(bool all, IEnumerable<string> countries)
    {
        IsAll = all;
        _countries = countries.ToFrozenSet(StringComparer.Ordinal);
    }

    public static CountryCoverage All { get; } = new(all: true, []);

    public bool IsAll { get; }

    /// <summary>The listed countries, upper case (empty when <see cref="IsAll"/>).</summary>
    public IReadOnlySet<string> Countries => _countries;

    /// <param name="countries">Canonical upper-case codes.</param>
    public static CountryCoverage Of(IEnumerable<string> countries) => new(all: false, countries);

    /// <summary>True when a request for <paramref name="country"/> (upper case; null = any country) can go here.</summary>
    public bool Covers(string? country) => country is null || IsAll || _countries.Contains(country);

    /// <summary>The stored form (<see cref="ToString"/>): <c>*</c>, or upper-case codes joined by commas; null or empty means all.</summary>
    public static CountryCoverage Parse(string? stored) =>
        string.IsNullOrWhiteSpace(stored) || stored.Trim() == "*"
            ? All
            : Of(stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToUpperInvariant()));

    public override string ToString() => IsAll ? "*" : string.Join(",", _countries.Order(StringComparer.Ordinal));
}
