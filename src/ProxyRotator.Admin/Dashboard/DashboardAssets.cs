using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace ProxyRotator.Admin.Dashboard;

/// <summary>
/// Serves the dashboard's files, embedded in this assembly (no CDN: operators behind firewalls get the same page).
/// Only the known files are served, each with a strict content security policy.
/// </summary>
public sealed class DashboardAssets
{
    private const string ResourcePrefix = "ProxyRotator.Admin.Dashboard.wwwroot.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, byte[]> _files;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[resource[ResourcePrefix.Length..]] = buffer.ToArray();
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> FileNames => _files.Keys;

    public IResult Serve(string file)
    {
        if (!_files.TryGetValue(file, out byte[]? content) || !ContentTypes.TryGetValue(Path.GetExtension(file), out string? contentType))
        {
            return Results.NotFound();
        }

        return new DashboardFileResult(content, contentType);
    }

    private sealed class DashboardFileResult(byte[] content, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            IHeaderDictionary headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-cache";
            httpContext.Response.ContentType = contentType;
            httpContext.Response.ContentLength = content.Length;
            return httpContext.Response.Body.WriteAsync(content).AsTask();
        }
    }
}
