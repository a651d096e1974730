using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Admin.Security;

/// <summary>
/// Every <c>/api</c> route needs <c>X-Api-Key</c>. The comparison is constant-time over SHA-256 digests, so
/// neither the content nor the length of the key leaks through timing. An empty configured key admits nobody.
/// </summary>
internal sealed class ApiKeyEndpointFilter(AdminOptions options) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    private readonly byte[] _expectedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(options.ApiKey ?? string.Empty));
    private readonly bool _configured = !string.IsNullOrEmpty(options.ApiKey);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (IsAuthorized(context.HttpContext.Request.Headers[HeaderName]))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or wrong API key",
            detail: $"Send the admin API key in the {HeaderName} header."));
    }

    private bool IsAuthorized(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 1 && Matches(values[0]);

    /// <summary>Whether <paramref name="key"/> is the configured key (constant time; nothing matches an empty key).</summary>
    internal bool Matches(string? key)
    {
        if (!_configured || string.IsNullOrEmpty(key))
        {
            return false;
        }

        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return CryptographicOperations.FixedTimeEquals(digest, _expectedDigest);
    }
}
