using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ProxyRotator.Simulation.Origin;

/// <summary>
/// A target site for tests, over HTTP and HTTPS: any path answers the caller's address as plain text;
/// <c>/json</c> as <c>{"ip":"..."}</c>; <c>/bytes/{n}</c> sends n bytes (<c>/chunked/{n}</c> the same with chunked
/// framing); <c>/status/{code}</c> answers that status (<c>/posing/{code}</c> the same, dressed as an upstream proxy's own
/// error answer: Squid's and RFC 9209's error headers naming the proxy, and a challenge on a 407); <c>/stall/{seconds}</c>
/// answers only after that long (a tarpit); an exit <see cref="Ban"/>ned for a host gets a 403 captcha page; <c>/headers</c> echoes the request headers as JSON;
/// <c>/echo</c> sends the request body back.
/// </summary>
public sealed class IpEchoOrigin : IAsyncDisposable
{
    private readonly IpEchoOriginOptions _options;
    private readonly byte[] _filler;
    private WebApplication? _app;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Host, string Exit), byte> _bans = new();
    private long _requestsServed;
    private long _bansAnswered;

    private IpEchoOrigin(IpEchoOriginOptions options)
    {
        _options = options;
        Certificate = LocalhostCertificate.Create(options.TimeProvider, options.ListenAddress);
        _filler = new byte[64 * 1024];
        for (int i = 0; i < _filler.Length; i++)
        {
            _filler[i] = (byte)('a' + (i % 26));
        }
    }

    /// <summary>The plain HTTP base URL, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri HttpUrl { get; private set; } = null!;

    /// <summary>The HTTPS base URL; its certificate is <see cref="Certificate"/> (self-signed).</summary>
    public Uri HttpsUrl { get; private set; } = null!;

    public IPEndPoint HttpEndPoint => new(IPAddress.Parse(HttpUrl.Host.Trim('[', ']')), HttpUrl.Port);

    public IPEndPoint HttpsEndPoint => new(IPAddress.Parse(HttpsUrl.Host.Trim('[', ']')), HttpsUrl.Port);

    public X509Certificate2 Certificate { get; }

    public long RequestsServed => Interlocked.Read(ref _requestsServed);

    /// <summary>Ban pages answered (<see cref="Ban"/>).</summary>
    public long BansAnswered => Interlocked.Read(ref _bansAnswered);

    /// <summary>
    /// Makes the origin ban <paramref name="exit"/> for the site <paramref name="host"/> (the Host the client names,
    /// e.g. <c>localhost</c>): its requests for that host get 403 with a captcha page, as a bot wall would answer;
    /// other hosts (<c>127.0.0.1</c>) and other exits are served as usual.
    /// </summary>
    public void Ban(string host, IPAddress exit)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(exit);
        _bans[(host.ToLowerInvariant(), exit.ToString())] = 0;
    }

    /// <summary>Ends every ban made with <see cref="Ban"/>.</summary>
    public void ClearBans() => _bans.Clear();

    public static async Task<IpEchoOrigin> StartAsync(IpEchoOriginOptions? options = null, CancellationToken cancellationToken = default)
    {
        var origin = new IpEchoOrigin(options ?? new IpEchoOriginOptions());
        try
        {
            await origin.RunAsync(cancellationToken).ConfigureAwait(false);
            return origin;
        }
        catch
        {
            await origin.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        Certificate.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;

            // Proxies keep connections to the origin open between test steps; do not drop them mid-test.
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
            kestrel.Listen(_options.ListenAddress, _options.HttpPort);
            kestrel.Listen(_options.ListenAddress, _options.HttpsPort, listen => listen.UseHttps(Certificate));
        });

        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);

        ICollection<string> addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        HttpUrl = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)) + "/");
        HttpsUrl = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)) + "/");
    }

    private Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestsServed);
        string path = context.Request.Path.Value ?? "/";
        HttpResponse response = context.Response;
        if (!_bans.IsEmpty && _bans.ContainsKey((context.Request.Host.Host.ToLowerInvariant(), CallerAddress(context))))
        {
            Interlocked.Increment(ref _bansAnswered);
            return WriteTextAsync(response, 403, "<html><body><h1>Access denied</h1><div class=\"g-recaptcha\">Please solve the CAPTCHA to continue.</div></body></html>\n");
        }

        if (path.Equals("/json", StringComparison.OrdinalIgnoreCase))
        {
            return WriteJsonAsync(response, writer => writer.WriteString("ip", CallerAddress(context)));
        }

        if (path.Equals("/headers", StringComparison.OrdinalIgnoreCase))
        {
            return WriteJsonAsync(response, writer =>
            {
                foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
                {
                    writer.WriteString(header.Key, header.Value.ToString());
                }
            });
        }

        if (path.Equals("/echo", StringComparison.OrdinalIgnoreCase))
        {
            return EchoBodyAsync(context);
        }

        if (TryGetNumber(path, "/bytes/", out long count))
        {
            return count <= _options.MaxBytes ? WriteBytesAsync(response, count, context.RequestAborted) : WriteTextAsync(response, 400, "too many bytes\n");
        }

        if (TryGetNumber(path, "/chunked/", out long chunkedCount))
        {
            // No Content-Length: Kestrel frames the body with chunked encoding, for relays that must handle it.
            return chunkedCount <= _options.MaxBytes ? WriteChunkedAsync(response, chunkedCount, context.RequestAborted) : WriteTextAsync(response, 400, "too many bytes\n");
        }

        if (TryGetNumber(path, "/stall/", out long stall) && stall is > 0 and <= 300)
        {
            return StallAsync(response, TimeSpan.FromSeconds(stall), context.RequestAborted);
        }

        if (TryGetNumber(path, "/posing/", out long posing) && posing is >= 400 and <= 599)
        {
            // A hostile or odd target can write anything a proxy writes: evidence a target can forge must not charge an upstream.
            response.Headers["X-Squid-Error"] = "ERR_ACCESS_DENIED 0";
            response.Headers["Proxy-Status"] = "squid; error=http_request_denied";
            if (posing == 407)
            {
                response.Headers.ProxyAuthenticate = "Basic realm=\"proxy\"";
            }

            return WriteTextAsync(response, (int)posing, $"posing {posing}\n");
        }

        if (TryGetNumber(path, "/status/", out long status))
        {
            if (status is 204 or 304)
            {
                // These statuses never carry a body.
                response.StatusCode = (int)status;
                return Task.CompletedTask;
            }

            if (status == 407)
            {
                // A 407 always carries its challenge (RFC 9110 §11.7.1), an origin's as much as a proxy's.
                response.Headers.ProxyAuthenticate = "Basic realm=\"origin\"";
            }

            return status is >= 200 and <= 599 ? WriteTextAsync(response, (int)status, $"status {status}\n") : WriteTextAsync(response, 400, "bad status\n");
        }

        return WriteTextAsync(response, 200, CallerAddress(context));
    }

    private static async Task StallAsync(HttpResponse response, TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        await WriteTextAsync(response, 200, "stalled\n").ConfigureAwait(false);
    }

    private async Task WriteBytesAsync(HttpResponse response, long count, CancellationToken cancellationToken)
    {
        response.ContentType = "application/octet-stream";
        response.ContentLength = count;
        while (count > 0)
        {
            int take = (int)Math.Min(count, _filler.Length);
            await response.Body.WriteAsync(_filler.AsMemory(0, take), cancellationToken).ConfigureAwait(false);
            count -= take;
        }
    }

    private async Task EchoBodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task WriteChunkedAsync(HttpResponse response, long count, CancellationToken cancellationToken)
    {
        response.ContentType = "application/octet-stream";
        while (count > 0)
        {
            int take = (int)Math.Min(count, 1000);
            await response.Body.WriteAsync(_filler.AsMemory(0, take), cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            count -= take;
        }
    }

    private static Task WriteTextAsync(HttpResponse response, int status, string text)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }

    private static Task WriteJsonAsync(HttpResponse response, Action<Utf8JsonWriter> writeProperties)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        response.ContentType = "application/json";
        response.ContentLength = stream.Length;
        return response.Body.WriteAsync(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static string CallerAddress(HttpContext context)
    {
        IPAddress? address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return string.Empty;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    private static bool TryGetNumber(string path, string prefix, out long value)
    {
        value = 0;
        return path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(path.AsSpan(prefix.Length).TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
