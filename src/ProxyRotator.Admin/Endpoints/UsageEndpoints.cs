using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Store.Accounts;

namespace ProxyRotator.Admin.Endpoints;

/// <summary><c>/api/usage</c>: usage per account × pool × UTC day, stored plus counted since the last flush.</summary>
internal static class UsageEndpoints
{
    /// <summary>Longest range one call may ask for.</summary>
    public const int MaxDays = 400;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/usage", QueryAsync).WithName("GetUsage").WithSummary("Requests, bytes up/down and failures by kind per account, pool and UTC day (from/to: yyyy-MM-dd, default this month)");

    private static async Task<Results<Ok<UsageRowDto[]>, ProblemHttpResult>> QueryAsync(
        UsageStore store, string? account, string? from, string? to, CancellationToken ct)
    {
        DateOnly today = store.Ledger.Today;
        if (!TryParseDay(to, today, out DateOnly last))
        {
            return AdminProblems.BadInput(new AdminInputError("to", "expected a day as yyyy-MM-dd"));
        }

        if (!TryParseDay(from, new DateOnly(last.Year, last.Month, 1), out DateOnly first))
        {
            return AdminProblems.BadInput(new AdminInputError("from", "expected a day as yyyy-MM-dd"));
        }

        if (first > last || last.DayNumber - first.DayNumber >= MaxDays)
        {
            return AdminProblems.BadInput(new AdminInputError("from", $"must not be after 'to', and at most {MaxDays} days before it"));
        }

        IReadOnlyList<KeyValuePair<UsageKey, UsageCounts>> rows = await store.QueryAsync(account, first, last, ct);
        return TypedResults.Ok(Aggregate(rows));
    }

    /// <summary>One row per account, pool and day: outcomes other than "served" become the failure counts.</summary>
    internal static UsageRowDto[] Aggregate(IEnumerable<KeyValuePair<UsageKey, UsageCounts>> rows) =>
    [
        .. rows.GroupBy(r => (r.Key.Account, r.Key.Pool, r.Key.Day))
            .Select(g => new UsageRowDto(
                g.Key.Account, g.Key.Pool, g.Key.Day,
                g.Sum(r => r.Value.Requests), g.Sum(r => r.Value.BytesUp), g.Sum(r => r.Value.BytesDown),
                g.Where(r => r.Key.Outcome.Length > 0).ToDictionary(r => r.Key.Outcome, r => r.Value.Requests, StringComparer.Ordinal)))
            .OrderBy(r => r.Day).ThenBy(r => r.Account, StringComparer.Ordinal).ThenBy(r => r.Pool, StringComparer.Ordinal),
    ];

    private static bool TryParseDay(string? value, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return string.IsNullOrEmpty(value) || DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
