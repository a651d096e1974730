using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;

namespace ProxyRotator.Admin.Endpoints;

/// <summary><c>GET /api/stats</c>: traffic since start, whole gateway, per pool and for the busiest upstreams.</summary>
internal static class StatsEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/stats", Get).WithName("GetStats")
            .WithSummary("Requests, failures, retries and bytes since start: total, per pool and per upstream (the busiest 'top', default 100); usage and spend per account and provider");

    private static Results<Ok<StatsDto>, ProblemHttpResult> Get(
        GatewayMetrics metrics, IPoolSnapshotSource snapshots, ISessionStore sessions, ServerUptime uptime, TimeProvider timeProvider, SpendMeter spend, string? top)
    {
        if (!UpstreamFilterParser.TryParseInt(top, 100, 0, 100_000, out int topCount))
        {
            return AdminProblems.BadInput(new AdminInputError("top", "must be a whole number from 0 to 100000"));
        }

        PoolSnapshot snapshot = snapshots.Current;
        metrics.PruneUpstreams(snapshot); // upstreams that left the pool leave the per-upstream list too
        int activeSessions = sessions.CountActive(timeProvider.GetUtcNow());

        return TypedResults.Ok(new StatsDto
        {
            StartedAt = uptime.StartedAt,
            UptimeSeconds = Math.Round(uptime.Elapsed.TotalSeconds, 1),
            Total = new TrafficDto(metrics.Total.Requests, metrics.Total.Failures, metrics.Total.Retries, metrics.Total.BytesIn, metrics.Total.BytesOut),
            ActiveConnections = metrics.ActiveConnections,
            ConnectionsTotal = metrics.ConnectionsTotal,
            ActiveSessions = activeSessions,
            FailuresByKind = metrics.FailuresByKind.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            HealthChecks = metrics.HealthCheckOutcomes.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Pools = [.. metrics.Pools.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new PoolTrafficDto(p.Key, p.Value.Requests, p.Value.Failures, p.Value.Retries, p.Value.BytesIn, p.Value.BytesOut))],
            Upstreams = [.. metrics.Upstreams
                .Select(p => (Id: p.Key, Counters: p.Value, Requests: p.Value.Requests))
                .OrderByDescending(u => u.Requests).ThenBy(u => u.Id)
                .Take(topCount)
                .Select(u => new UpstreamTrafficDto(
                    u.Id,
                    snapshot.TryGet(u.Id, out UpstreamProxy? upstream) ? upstream!.PoolName : null,
                    u.Requests, u.Counters.Failures, u.Counters.BytesIn, u.Counters.BytesOut))],
            Spend = new SpendDto(
                [.. spend.Accounts.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => new AccountSpendDto(p.Key, p.Value.Requests, p.Value.Bytes, p.Value.PricedRequests, p.Value.Spend))],
                [.. spend.Providers.OrderBy(p => p.Key.Provider, StringComparer.Ordinal).ThenBy(p => p.Key.Pool, StringComparer.Ordinal)
                    .Select(p => new ProviderSpendDto(p.Key.Provider, p.Key.Pool, p.Value.Requests, p.Value.Bytes, p.Value.PricedRequests, p.Value.Spend))]),
        });
    }
}
