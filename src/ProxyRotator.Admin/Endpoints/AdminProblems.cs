using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ProxyRotator.Admin.Queries;

namespace ProxyRotator.Admin.Endpoints;

/// <summary>Problem-details answers shared by the admin routes.</summary>
internal static class AdminProblems
{
    public static ProblemHttpResult BadInput(AdminInputError error) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: $"Invalid '{error.Field}'",
        detail: $"{error.Field}: {error.Message}",
        extensions: new Dictionary<string, object?> { ["field"] = error.Field });

    public static ProblemHttpResult NotFound(string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    public static ProblemHttpResult Unavailable(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not available", detail: detail);
}
