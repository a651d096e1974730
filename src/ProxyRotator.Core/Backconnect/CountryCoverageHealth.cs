using System.Collections.Concurrent;

namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// How one backconnect upstream does per country, from health probes that target a country and verify the exit's
/// country with GeoIP. A country whose last <see cref="WeakAfterFailures"/> probes failed is weak there: the selector
/// avoids the upstream for that country only (it still serves others), until a probe there succeeds. Thread-safe;
/// kept per upstream across snapshots.
/// </summary>
public sealed class CountryCoverageHealth
{
    /// <summary>Consecutive failed probes of one country that make the upstream weak in it.</summary>
    public const int WeakAfterFailures = 2;

    private readonly ConcurrentDictionary<string, CountryProbeRecord> _byCountry = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Counts one probe of <paramref name="country"/>: success, or a failure with a short reason.</summary>
    public void Record(string country, bool success, string? error, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(country);
        _byCountry.AddOrUpdate(
            country,
            static (_, state) => state.Success
                ? new CountryProbeRecord(0, 1, 0, null, state.At)
                : new CountryProbeRecord(1, 0, 1, state.Error, state.At),
            static (_, previous, state) => state.Success
                ? previous with { ConsecutiveFailures = 0, Successes = previous.Successes + 1, LastCheckedAt = state.At }
                : previous with
                {
                    ConsecutiveFailures = previous.ConsecutiveFailures + 1,
                    Failures = previous.Failures + 1,
                    LastError = state.Error,
                    LastCheckedAt = state.At,
                },
            (Success: success, Error: error, At: at));
    }

    /// <summary>True when the last probes of <paramref name="country"/> failed (null: no country asked, never weak).</summary>
    public bool IsWeak(string? country) =>
        country is not null && _byCountry.TryGetValue(country, out CountryProbeRecord? record) && record.ConsecutiveFailures >= WeakAfterFailures;

    /// <summary>Every probed country's record (for the admin API).</summary>
    public IReadOnlyDictionary<string, CountryProbeRecord> ToDictionary() => new Dictionary<string, CountryProbeRecord>(_byCountry, StringComparer.OrdinalIgnoreCase);
}
