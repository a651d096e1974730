using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.Health.Probing;

/// <summary>
/// Probes an upstream with one GET of <c>healthCheck.url</c> through it, on the path gateway traffic takes: the same
/// <see cref="UpstreamHttpHandlers"/> (absolute-form through an HTTP upstream for an <c>http://</c> URL, otherwise a
/// tunnel opened by the gateway's own <see cref="UpstreamConnector"/>) and the same credentials. Each probe gets its
/// own handler (connections are never shared between upstreams or reused across probes, so a probe always measures a
/// fresh connect) and disposes it. HTTP upstreams get their <c>Proxy-Authorization</c> header up front (no 407 round trip).
/// </summary>
public sealed partial class UpstreamProbe : IUpstreamProbe
{
    /// <summary>An IP echo is tiny; anything bigger is not one.</summary>
    private const int MaxBodyBytes = 4096;

    private readonly Uri _url;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamProbe> _logger;
    private readonly UpstreamConnector _connector;

    public UpstreamProbe(HealthCheckOptions options, TimeProvider time, ILogger<UpstreamProbe> logger)
    {
        _url = new Uri(options.Url, UriKind.Absolute);
        _timeout = options.Timeout > TimeSpan.Zero ? options.Timeout : TimeSpan.FromSeconds(10);
        _time = time;
        _logger = logger;
        _connector = new UpstreamConnector(_timeout, time);
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
        if (!UpstreamHttpHandlers.Tunnels(endpoint, _url.Scheme) && ProxyAuthorization.BasicValue(endpoint) is { } proxyAuthorization)
        {
            request.Headers.TryAddWithoutValidation("Proxy-Authorization", proxyAuthorization);
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
        SocketsHttpHandler handler = UpstreamHttpHandlers.Tunnels(endpoint, _url.Scheme)
            ? UpstreamHttpHandlers.CreateTunnelling(endpoint, upstream: null, _connector, _timeout)
            : UpstreamHttpHandlers.CreateAbsoluteForm(endpoint, _timeout);
        handler.PooledConnectionLifetime = TimeSpan.Zero;
        return handler;
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
        if (FindInner<UpstreamConnectException>(ex) is { } tunnel)
        {
            // The tunnel under the probe failed: the connector already said how (its message never holds a secret).
            ProbeErrorKind kind = tunnel.Kind switch
            {
                UpstreamOutcomeKind.UpstreamConnectFailed => ProbeErrorKind.ConnectRefused,
                UpstreamOutcomeKind.UpstreamTimeout => ProbeErrorKind.Timeout,
                UpstreamOutcomeKind.UpstreamAuthRejected => ProbeErrorKind.ProxyAuthRejected,
                UpstreamOutcomeKind.UpstreamProtocolError => ProbeErrorKind.ProtocolError,
                _ => ProbeErrorKind.UpstreamError,
            };
            return ProbeResult.Failed(latency, kind, tunnel.Message);
        }

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

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Probe through {Upstream} failed: {Kind} {Error}")]
    private static partial void LogProbeFailed(ILogger logger, string upstream, ProbeErrorKind kind, string? error);
}
