using System.Diagnostics;
using System.Net;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// The gateway's <see cref="ActivitySource"/> (<see cref="SourceName"/>) and the helpers that start its spans: one
/// span per client request or tunnel (<see cref="StartRequest"/>), child spans per attempt phase
/// (<see cref="StartPhase"/>), and the access-log fields as tags when the request ends (<see cref="CompleteRequest"/>).
/// Plain <c>System.Diagnostics</c>: the host decides whether anything listens (OpenTelemetry when <c>tracing</c> is on).
/// With no listener every helper returns null or does nothing, before allocating anything.
/// </summary>
public sealed class GatewayTracing : IDisposable
{
    public const string SourceName = "ProxyRotator.Gateway";

    private readonly ActivitySource _source;
    private readonly TargetHostHasher? _hasher;

    public GatewayTracing(AccessLogOptions? privacy = null)
        : this(privacy, SourceName)
    {
    }

    /// <summary>A source under another name, so a test can be sure nothing else in the process listens to it.</summary>
    internal GatewayTracing(AccessLogOptions? privacy, string sourceName)
    {
        _source = new ActivitySource(sourceName);
        // Traces follow the access log's privacy choice for target hosts; URL paths are never tagged.
        _hasher = privacy is { HashTargets: true, HashKey: { Length: > 0 } key } ? new TargetHostHasher(key) : null;
    }

    public ActivitySource Source => _source;

    /// <summary>The request's span (<c>proxyrotator.http</c>, <c>proxyrotator.connect</c> or <c>proxyrotator.socks5</c>), null when tracing is off or not sampled.</summary>
    public Activity? StartRequest(AccessLogProtocol protocol)
    {
        if (!_source.HasListeners())
        {
            return null;
        }

        Activity? ambient = Activity.Current;
        Activity? span = _source.StartActivity(protocol switch
        {
            AccessLogProtocol.Connect => "proxyrotator.connect",
            AccessLogProtocol.Socks5 => "proxyrotator.socks5",
            _ => "proxyrotator.http",
        }, ActivityKind.Server);
        KeepAmbient(ambient);
        return span;
    }

    /// <summary>A child span of <paramref name="request"/> for one phase of attempt <paramref name="attempt"/> (1-based); null when <paramref name="request"/> is null.</summary>
    public Activity? StartPhase(Activity? request, GatewayTracePhase phase, int attempt, long? upstreamId = null)
    {
        if (request is null)
        {
            return null;
        }

        Activity? ambient = Activity.Current;
        Activity? span = _source.StartActivity(phase switch
        {
            GatewayTracePhase.Pick => "proxyrotator.pick",
            GatewayTracePhase.Dial => "proxyrotator.dial",
            GatewayTracePhase.UpstreamHandshake => "proxyrotator.upstream_handshake",
            _ => "proxyrotator.relay",
        }, phase is GatewayTracePhase.Dial or GatewayTracePhase.UpstreamHandshake ? ActivityKind.Client : ActivityKind.Internal, request.Context);
        KeepAmbient(ambient);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("proxyrotator.attempt", attempt);
            if (upstreamId is { } id)
            {
                span.SetTag("proxyrotator.upstream.id", id);
            }
        }

        return span;
    }

    /// <summary>Ends a phase span; <paramref name="errorCode"/> (an outcome kind or error code) marks it failed.</summary>
    public static void EndPhase(Activity? span, string? errorCode = null, long? upstreamId = null)
    {
        if (span is null)
        {
            return;
        }

        if (upstreamId is { } id)
        {
            span.SetTag("proxyrotator.upstream.id", id);
        }

        if (errorCode is not null)
        {
            span.SetTag("error.type", errorCode);
            span.SetStatus(ActivityStatusCode.Error, errorCode);
        }

        Activity? ambient = Activity.Current;
        span.Stop();
        KeepAmbient(ambient);
    }

    /// <summary>Tags <paramref name="request"/> with the access-log fields of <paramref name="entry"/> and ends it.</summary>
    public void CompleteRequest(Activity? request, in AccessLogEntry entry)
    {
        if (request is null)
        {
            return;
        }

        if (request.IsAllDataRequested)
        {
            request.SetTag("proxyrotator.protocol", entry.Protocol switch
            {
                AccessLogProtocol.Connect => "connect",
                AccessLogProtocol.Socks5 => "socks5",
                _ => "http",
            });
            SetIfNotNull(request, "client.address", entry.ClientAddress is { } client ? FormatAddress(client) : null);
            SetIfNotNull(request, "proxyrotator.account", entry.Account);
            SetIfNotNull(request, "proxyrotator.targeting", entry.Targeting);
            SetIfNotNull(request, "server.address", entry.TargetHost is { } host && _hasher is not null ? _hasher.Hash(host) : entry.TargetHost);
            request.SetTag("server.port", entry.TargetPort);
            if (entry.UpstreamId is { } upstreamId)
            {
                request.SetTag("proxyrotator.upstream.id", upstreamId);
            }

            SetIfNotNull(request, "proxyrotator.upstream.kind", entry.UpstreamKind);
            SetIfNotNull(request, "proxyrotator.exit_ip", entry.ExitIp);
            request.SetTag(entry.Protocol == AccessLogProtocol.Socks5 ? "proxyrotator.socks.reply" : "http.response.status_code", entry.Status);
            request.SetTag("proxyrotator.bytes_up", entry.BytesUp);
            request.SetTag("proxyrotator.bytes_down", entry.BytesDown);
            request.SetTag("proxyrotator.attempts", entry.Attempts);
            SetIfNotNull(request, "proxyrotator.session", entry.SessionId);
        }

        if (entry.ErrorCode is not null)
        {
            request.SetTag("error.type", entry.ErrorCode);
            request.SetStatus(ActivityStatusCode.Error, entry.ErrorCode);
        }

        Activity? ambient = Activity.Current;
        request.Stop();
        KeepAmbient(ambient);
    }

    public void Dispose()
    {
        _source.Dispose();
        _hasher?.Dispose();
    }

    /// <summary>
    /// Starting or stopping a span makes it (or its parent) <see cref="Activity.Current"/>. The gateway's spans are
    /// handed along explicitly (<see cref="Pipeline.GatewayRequest.Span"/>) and never become ambient: a request's
    /// span starts and ends on different flows, and nothing downstream (the forwarder, an upstream's HTTP client)
    /// should parent its own spans on them or see them.
    /// </summary>
    private static void KeepAmbient(Activity? ambient)
    {
        if (Activity.Current != ambient)
        {
            Activity.Current = ambient;
        }
    }

    private static void SetIfNotNull(Activity activity, string name, string? value)
    {
        if (value is not null)
        {
            activity.SetTag(name, value);
        }
    }

    private static string FormatAddress(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
