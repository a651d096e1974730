using System.Text;
using Microsoft.AspNetCore.Http;

namespace ProxyRotator.Admin.Security;

/// <summary>
/// With <c>admin.protectMetricsAndDashboard</c>: <c>/metrics</c> and the dashboard need the admin key too. Besides
/// <c>X-Api-Key</c> it accepts <c>Authorization: Bearer KEY</c> (Prometheus <c>authorization</c>) and HTTP Basic
/// with the key as the password (Prometheus <c>basic_auth</c>, and the login prompt of a browser opening the
/// dashboard, which cannot add headers to a navigation).
/// </summary>
internal sealed class OperatorKeyEndpointFilter(ApiKeyEndpointFilter keys) : IEndpointFilter
{
    public const string Realm = "Basic realm=\"proxyrotator-admin\", charset=\"UTF-8\"";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpRequest request = context.HttpContext.Request;
        if (keys.Matches(request.Headers[ApiKeyEndpointFilter.HeaderName].ToString()) || keys.Matches(KeyFromAuthorization(request.Headers.Authorization.ToString())))
        {
            return next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = Realm;
        return ValueTask.FromResult<object?>(Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or wrong API key",
            detail: $"Send the admin API key in the {ApiKeyEndpointFilter.HeaderName} header, as a Bearer token or as the Basic password."));
    }

    private static string? KeyFromAuthorization(string value)
    {
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value["Bearer ".Length..].Trim();
        }

        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[512];
        if (!Convert.TryFromBase64String(value["Basic ".Length..].Trim(), decoded, out int length))
        {
            return null;
        }

        string pair = Encoding.UTF8.GetString(decoded[..length]);
        int colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : pair[(colon + 1)..];
    }
}
