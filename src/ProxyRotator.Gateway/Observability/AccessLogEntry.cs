using System.Net;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// What one client request or tunnel did, as the access log writes it (one JSON line, see
/// <see cref="AccessLogLineWriter"/>). A value type: queuing it allocates nothing. It has no field for a password,
/// and <see cref="Targeting"/> is the username's targeting suffix only, never the password.
/// </summary>
public readonly record struct AccessLogEntry
{
    /// <summary>When the request or tunnel ended.</summary>
    public DateTimeOffset Time { get; init; }

    public AccessLogProtocol Protocol { get; init; }

    public IPAddress? ClientAddress { get; init; }

    /// <summary>The authenticated account; null when authentication failed or never happened.</summary>
    public string? Account { get; init; }

    /// <summary>The targeting asked for: the username after the account (<c>type-residential-country-de</c>), null if none.</summary>
    public string? Targeting { get; init; }

    public string? TargetHost { get; init; }

    public int TargetPort { get; init; }

    /// <summary>Path and query of an absolute-form URL; written only with <c>accessLog.includeUrlPath</c>.</summary>
    public string? UrlPathAndQuery { get; init; }

    /// <summary>The upstream that carried (or last tried) the request; null when none was picked.</summary>
    public long? UpstreamId { get; init; }

    /// <summary>The upstream's kind as the pool knows it (its type, e.g. <c>residential</c>), null when none was picked.</summary>
    public string? UpstreamKind { get; init; }

    /// <summary>The exit IP where known (verified by a health check).</summary>
    public string? ExitIp { get; init; }

    /// <summary>The HTTP status sent to the client, or the SOCKS5 reply code for <see cref="AccessLogProtocol.Socks5"/>.</summary>
    public int Status { get; init; }

    /// <summary>The <c>X-ProxyRotator-Error</c> code, null on success.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Bytes from the client towards the target.</summary>
    public long BytesUp { get; init; }

    /// <summary>Bytes from the target back to the client.</summary>
    public long BytesDown { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>Upstreams tried (0 when the request never reached the pick).</summary>
    public int Attempts { get; init; }

    /// <summary>The sticky session id, null without one.</summary>
    public string? SessionId { get; init; }
}
