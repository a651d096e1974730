using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.Probing;

/// <summary>
/// Probes an upstream with one GET of <c>healthCheck.url</c> through it. Each probe gets its own
/// <see cref="SocketsHttpHandler"/> (connections are never shared between upstreams or reused across probes, so
/// a probe always measures a fresh connect) and disposes it. HTTP upstreams get their <c>Proxy-Authorization</c>
/// header up front (no 407 round trip); SOCKS5 upstreams and HTTPS tunnels use <see cref="WebProxy.Credentials"/>,
/// since SocketsHttpHandler ignores credentials inside the proxy URI.
/// </summary>
public sealed partial class UpstreamProbe : IUpstreamProbe
{
    /// <summary>An IP echo is tiny; anything bigger is not one.</summary>
    private const int MaxBodyBytes = 4096;

    private readonly Uri _url;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamProbe> _logger;

    public UpstreamProbe(HealthCheckOptions options, TimeProvider time, ILogger<UpstreamProbe> logger)
    {
        _url = new Uri(options.Url, UriKind.Absolute);
        _timeout = options.Timeout > TimeSpan.Zero ? options.Timeout : TimeSpan.FromSeconds(10);
        _time = time;
        _logger = logger;
    }

    public async Task<ProbeResult> ProbeAsync(UpstreamEndpoint endpoint, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using SocketsHttpHandler handler = CreateHandler(endpoint);
        using var client = new HttpClient(handler, disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxBodyBytes,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        request.Headers.Accept.ParseAdd("text/plain, application/json");
        if (endpoint.Scheme == UpstreamScheme.Http && endpoint.HasCredentials && _url.Scheme == Uri.UriSchemeHttp)
        {
            request.Headers.ProxyAuthorization = BasicCredentials(endpoint);
        }

        ProbeResult result;
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token)
                .ConfigureAwait(false);
            TimeSpan latency = _time.GetElapsedTime(started);
            result = await InterpretAsync(response, latency, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = ProbeResult.Failed(_time.GetElapsedTime(started), ProbeErrorKind.Timeout, $"no answer within {_timeout.TotalSeconds:0.###}s");
        }
        catch (HttpRequestException ex)
        {
            result = Classify(ex, _time.GetElapsedTime(started), endpoint);
        }
        catch (IOException ex)
        {
            result = ProbeResult.Failed(_time.GetElapsedTime(started), ProbeErrorKind.ProtocolError, Scrub(ex.Message, endpoint));
        }

        if (!result.Success)
        {
            LogProbeFailed(_logger, endpoint.ToMaskedString(), result.ErrorKind, result.Error);
        }

        return result;
    }

    private SocketsHttpHandler CreateHandler(UpstreamEndpoint endpoint)
    {
        // The address only: credentials inside the proxy URI are ignored by SocketsHttpHandler and would risk a leak.
        var proxy = new WebProxy(new Uri(endpoint.Address)) { BypassProxyOnLocal = false };
        if (endpoint.HasCredentials)
        {
            proxy.Credentials = new NetworkCredential(endpoint.Username, endpoint.Password ?? string.Empty);
        }

        return new SocketsHttpHandler
        {
            Proxy = proxy,
            UseProxy = true,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = _timeout,
            PooledConnectionLifetime = TimeSpan.Zero,
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        };
    }

    private static async Task<ProbeResult> InterpretAsync(HttpResponseMessage response, TimeSpan latency, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.ProxyAuthenticationRequired)
        {
            return ProbeResult.Failed(latency, ProbeErrorKind.ProxyAuthRejected, "upstream rejected the credentials (407)");
        }

        if (status >= 500)
        {
            return ProbeResult.Failed(latency, ProbeErrorKind.UpstreamError, $"upstream answered {status}");
        }

        if (status is < 200 or > 299)
        {
            return ProbeResult.Failed(latency, ProbeErrorKind.BadEchoBody, $"echo URL answered {status}");
        }

        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return ExitIpParser.TryParse(body, out string? ip)
            ? ProbeResult.Succeeded(latency, ip!)
            : ProbeResult.Failed(latency, ProbeErrorKind.BadEchoBody, "echo body is not an IP address");
    }

    private static ProbeResult Classify(HttpRequestException ex, TimeSpan latency, UpstreamEndpoint endpoint)
    {
        if (ex.StatusCode == HttpStatusCode.ProxyAuthenticationRequired || IsSocksAuthFailure(ex))
        {
            return ProbeResult.Failed(latency, ProbeErrorKind.ProxyAuthRejected, "upstream rejected the credentials");
        }

        if (ex.StatusCode is { } code && (int)code >= 500)
        {
            return ProbeResult.Failed(latency, ProbeErrorKind.UpstreamError, $"upstream answered {(int)code}");
        }

        // A reset after the connection was up (mid-answer) is a protocol failure, not a refused connect.
        SocketException? socket = FindInner<SocketException>(ex);
        if (ex.HttpRequestError == HttpRequestError.ConnectionError || socket?.SocketErrorCode == SocketError.ConnectionRefused)
        {
            string detail = socket is null ? Scrub(ex.Message, endpoint) : socket.SocketErrorCode.ToString();
            return ProbeResult.Failed(latency, ProbeErrorKind.ConnectRefused, $"connect to upstream failed: {detail}");
        }

        if (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            return ProbeResult.Failed(latency, ProbeErrorKind.BadEchoBody, "echo body too large");
        }

        return ProbeResult.Failed(latency, ProbeErrorKind.ProtocolError, Scrub(Innermost(ex).Message, endpoint));
    }

    // SocketsHttpHandler reports a SOCKS5 method or RFC 1929 failure as an internal SocksException.
    private static bool IsSocksAuthFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e.GetType().Name == "SocksException" && e.Message.Contains("authenticat", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static T? FindInner<T>(Exception ex)
        where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    /// <summary>Removes the upstream's secrets from a library message, in case one ever echoes them.</summary>
    internal static string Scrub(string message, UpstreamEndpoint endpoint)
    {
        message = CredentialMasking.Scrub(message, endpoint.Password) ?? string.Empty;
        return message.Length > 300 ? message[..300] : message;
    }

    private static AuthenticationHeaderValue BasicCredentials(UpstreamEndpoint endpoint) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{endpoint.Username}:{endpoint.Password}")));

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Probe through {Upstream} failed: {Kind} {Error}")]
    private static partial void LogProbeFailed(ILogger logger, string upstream, ProbeErrorKind kind, string? error);
}
