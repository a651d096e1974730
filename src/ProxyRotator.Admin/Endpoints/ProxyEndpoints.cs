using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Health.Lifecycle;

namespace ProxyRotator.Admin.Endpoints;

/// <summary><c>/api/pools</c> and <c>/api/proxies</c>.</summary>
internal static class ProxyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/pools", async (PoolOverviewQuery pools, CancellationToken ct) => TypedResults.Ok(await pools.ListPoolsAsync(ct)))
            .WithName("ListPools").WithSummary("Pools with upstream counts by status and their providers' last sync");

        api.MapGet("/proxies", ListAsync)
            .WithName("ListProxies")
            .WithSummary("Upstreams, filtered and paged (page from 1, pageSize up to 1000). Retired ones only with status=retired or status=all.");

        api.MapPost("/proxies", AddAsync).WithName("AddProxy").WithSummary("Add one upstream to a pool (as pending)");

        api.MapGet("/proxies/{id:long}", async Task<Results<Ok<UpstreamDto>, ProblemHttpResult>> (long id, UpstreamCatalog catalog, CancellationToken ct) =>
                await catalog.GetAsync(id, ct) is UpstreamDto upstream
                    ? TypedResults.Ok(upstream)
                    : AdminProblems.NotFound($"no upstream with id {id}"))
            .WithName("GetProxy").WithSummary("One upstream, retired ones included");

        api.MapDelete("/proxies/{id:long}", async Task<Results<Ok<UpstreamDto>, ProblemHttpResult>> (long id, UpstreamCatalog catalog, CancellationToken ct) =>
                await catalog.RetireAsync(id, ct) is UpstreamDto retired
                    ? TypedResults.Ok(retired)
                    : AdminProblems.NotFound($"no upstream with id {id}"))
            .WithName("RetireProxy").WithSummary("Retire one upstream (kept for history)");

        api.MapPost("/proxies/{id:long}/quarantine", async Task<Results<Ok<UpstreamDto>, ProblemHttpResult>> (long id, UpstreamCatalog catalog, CancellationToken ct) =>
                await catalog.ApplyOperatorAsync(id, OperatorAction.Quarantine, ct) is UpstreamDto upstream
                    ? TypedResults.Ok(upstream)
                    : AdminProblems.NotFound($"no upstream with id {id}"))
            .WithName("QuarantineProxy").WithSummary("Take an active or pending upstream out of rotation now (re-checked with back-off)");

        api.MapPost("/proxies/{id:long}/revive", async Task<Results<Ok<UpstreamDto>, ProblemHttpResult>> (long id, UpstreamCatalog catalog, CancellationToken ct) =>
                await catalog.ApplyOperatorAsync(id, OperatorAction.Revive, ct) is UpstreamDto upstream
                    ? TypedResults.Ok(upstream)
                    : AdminProblems.NotFound($"no upstream with id {id}"))
            .WithName("ReviveProxy").WithSummary("Bring a quarantined or retired upstream back as pending (probed again)");
    }

    private static async Task<Results<Ok<PageDto<UpstreamDto>>, ProblemHttpResult>> ListAsync(
        UpstreamCatalog catalog,
        string? pool,
        string? status,
        string? type,
        string? country,
        string? page,
        string? pageSize,
        CancellationToken ct)
    {
        if (!UpstreamFilterParser.TryParse(pool, status, type, country, page, pageSize, out UpstreamFilter filter, out AdminInputError? error))
        {
            return AdminProblems.BadInput(error!);
        }

        return TypedResults.Ok(await catalog.ListAsync(filter, ct));
    }

    private static async Task<Results<Created<UpstreamDto>, Ok<UpstreamDto>, ProblemHttpResult>> AddAsync(
        AddUpstreamRequest? request, UpstreamCatalog catalog, CancellationToken ct)
    {
        if (request is null)
        {
            return AdminProblems.BadInput(new AdminInputError("body", "a JSON object with url and pool is required"));
        }

        UpstreamAddResult result = await catalog.AddAsync(request, ct);
        if (result.Error is not null)
        {
            return AdminProblems.BadInput(result.Error);
        }

        if (result.Conflict)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Already in the pool",
                detail: $"upstream {result.Upstream!.Id} ({result.Upstream.Url}) is already in pool '{result.Upstream.Pool}' as {result.Upstream.Status}");
        }

        return result.Revived
            ? TypedResults.Ok(result.Upstream!)
            : TypedResults.Created($"/api/proxies?pool={Uri.EscapeDataString(result.Upstream!.Pool)}", result.Upstream);
    }
}
