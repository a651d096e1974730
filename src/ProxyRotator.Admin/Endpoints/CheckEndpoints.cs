using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Health;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Health;

namespace ProxyRotator.Admin.Endpoints;

/// <summary><c>POST /api/checks</c> and <c>POST /api/proxies/{id}/check</c>: health checks now, waiting for the outcomes.</summary>
internal static class CheckEndpoints
{
    private const string NoHealthChecks = "health checks are not wired into this server";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/checks", RunAsync).WithName("RunChecks").WithSummary("Run a health-check pass now (optionally one pool) and return every outcome");
        api.MapPost("/proxies/{id:long}/check", RunOneAsync).WithName("CheckProxy").WithSummary("Check one upstream now");
    }

    private static async Task<Results<Ok<HealthCheckRunDto>, ProblemHttpResult>> RunAsync(
        string? pool, IServiceProvider services, PoolOverviewQuery pools, CancellationToken ct)
    {
        if (Resolve(services) is not IAdminHealthChecks checks)
        {
            return AdminProblems.Unavailable(NoHealthChecks);
        }

        if (!string.IsNullOrWhiteSpace(pool) && !(await pools.ListPoolsAsync(ct)).Any(p => p.Name == pool))
        {
            return AdminProblems.BadInput(new AdminInputError("pool", $"unknown pool '{pool}'"));
        }

        IReadOnlyList<HealthCheckOutcomeDto> outcomes = await checks.RunAsync(string.IsNullOrWhiteSpace(pool) ? null : pool, ct);
        int succeeded = outcomes.Count(o => o.Success);
        return TypedResults.Ok(new HealthCheckRunDto(outcomes.Count, succeeded, outcomes.Count - succeeded, outcomes));
    }

    private static async Task<Results<Ok<HealthCheckOutcomeDto>, ProblemHttpResult>> RunOneAsync(long id, IServiceProvider services, CancellationToken ct)
    {
        if (Resolve(services) is not IAdminHealthChecks checks)
        {
            return AdminProblems.Unavailable(NoHealthChecks);
        }

        return await checks.RunOneAsync(id, ct) is HealthCheckOutcomeDto outcome
            ? TypedResults.Ok(outcome)
            : AdminProblems.NotFound($"no upstream with id {id}");
    }

    // An explicitly registered implementation wins (tests, other hosts); otherwise the health area's runner.
    private static IAdminHealthChecks? Resolve(IServiceProvider services) =>
        services.GetService<IAdminHealthChecks>()
        ?? (services.GetService<HealthCheckRunner>() is HealthCheckRunner runner ? new HealthRunnerChecks(runner) : null);
}
