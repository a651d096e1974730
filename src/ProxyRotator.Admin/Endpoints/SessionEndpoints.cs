using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Queries;
using ProxyRotator.Core.Sessions;

namespace ProxyRotator.Admin.Endpoints;

/// <summary><c>/api/sessions</c>: live sticky sessions; ending one makes its next request pick afresh.</summary>
internal static class SessionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/sessions", ListAsync).WithName("ListSessions").WithSummary("Sticky sessions that have not expired, newest first, paged");
        api.MapDelete("/sessions/{id}", EndAsync).WithName("EndSession").WithSummary("End one session (id is account:sessionId)");
    }

    private static async Task<Results<Ok<PageDto<SessionDto>>, ProblemHttpResult>> ListAsync(
        ISessionStore sessions, TimeProvider timeProvider, string? page, string? pageSize, CancellationToken ct)
    {
        if (!UpstreamFilterParser.TryParseInt(page, 1, 1, int.MaxValue, out int pageNumber))
        {
            return AdminProblems.BadInput(new AdminInputError("page", "must be a whole number from 1"));
        }

        if (!UpstreamFilterParser.TryParseInt(pageSize, 100, 1, UpstreamFilterParser.MaxPageSize, out int size))
        {
            return AdminProblems.BadInput(new AdminInputError("pageSize", $"must be a whole number from 1 to {UpstreamFilterParser.MaxPageSize}"));
        }

        DateTimeOffset now = timeProvider.GetUtcNow();
        var live = (await sessions.ListAsync(ct)).Where(s => !s.IsExpired(now)).OrderByDescending(s => s.CreatedAt).ToList();
        SessionDto[] items = [.. live.Skip((pageNumber - 1) * size).Take(size).Select(s => new SessionDto(
            s.Key, s.Account, s.SessionId, s.UpstreamId, s.ExitIp, s.Mode.ToString().ToLowerInvariant(), s.CreatedAt, s.ExpiresAt, s.LastUsedAt))];
        return TypedResults.Ok(new PageDto<SessionDto>(items, pageNumber, size, live.Count));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndAsync(string id, ISessionStore sessions, CancellationToken ct)
    {
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == id.Length - 1)
        {
            return AdminProblems.BadInput(new AdminInputError("id", "expected account:sessionId"));
        }

        return await sessions.RemoveAsync(id[..colon], id[(colon + 1)..], ct)
            ? TypedResults.NoContent()
            : AdminProblems.NotFound($"no session '{id}'");
    }
}
