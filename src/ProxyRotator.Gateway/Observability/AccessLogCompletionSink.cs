using System.Globalization;
using System.Text;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// The pipeline's completion sink when the access log or tracing is on: turns each <see cref="RequestSummary"/> into
/// an <see cref="AccessLogEntry"/> and hands it to <see cref="CompletedRequestRecorder"/> (queued for the log, tagged
/// onto the request's span, which it ends). Never sees a credential: the summary carries none.
/// </summary>
public sealed class AccessLogCompletionSink(CompletedRequestRecorder recorder, AccessLogOptions options) : IRequestCompletionSink
{
    public void OnCompleted(in RequestSummary summary)
    {
        if (!recorder.IsWanted(summary.RequestSpan))
        {
            return;
        }

        recorder.Record(summary.RequestSpan, ToEntry(summary, options.IncludeUrlPath));
    }

    /// <summary>The access-log entry for <paramref name="summary"/>; the URL's path and query only with <paramref name="includeUrlPath"/>.</summary>
    public static AccessLogEntry ToEntry(in RequestSummary summary, bool includeUrlPath)
    {
        bool socks = summary.Protocol == GatewayProtocol.Socks5;
        return new AccessLogEntry
        {
            Time = summary.CompletedAt,
            Protocol = summary.Protocol switch
            {
                GatewayProtocol.Connect => AccessLogProtocol.Connect,
                GatewayProtocol.Socks5 => AccessLogProtocol.Socks5,
                _ => AccessLogProtocol.Http,
            },
            ClientAddress = summary.Client?.Address,
            Account = summary.Account,
            Targeting = summary.Targeting is { } targeting ? FormatTargeting(targeting) : null,
            TargetHost = summary.TargetHost.Length == 0 ? null : summary.TargetHost,
            TargetPort = summary.TargetPort,
            UrlPathAndQuery = includeUrlPath ? summary.TargetUri?.PathAndQuery : null,
            UpstreamId = summary.UpstreamId,
            UpstreamKind = summary.UpstreamType is { } type ? TypeName(type) : null,
            ExitIp = summary.ExitIp,
            Status = socks ? summary.SocksReply ?? 0 : summary.HttpStatus,
            ErrorCode = summary.ErrorCode,
            BytesUp = summary.BytesFromClient,
            BytesDown = summary.BytesToClient,
            Duration = summary.Duration,
            Attempts = summary.Attempts,
            SessionId = summary.SessionId,
        };
    }

    /// <summary>
    /// The targeting in the username's own syntax, after the account (<c>type-residential-country-DE</c>); null when the
    /// username named only the account. Rebuilt from the parsed parameters: the raw username is never kept.
    /// </summary>
    internal static string? FormatTargeting(TargetingParameters targeting)
    {
        StringBuilder? text = null;
        Append(ref text, "type", targeting.Type is { } type ? TypeName(type) : null);
        Append(ref text, "country", targeting.Country);
        Append(ref text, "state", targeting.State);
        Append(ref text, "city", targeting.City);
        Append(ref text, "asn", targeting.Asn?.ToString(CultureInfo.InvariantCulture));
        Append(ref text, "pool", targeting.Pool);
        Append(ref text, "geo", targeting.GeoVerifiedOnly ? "verified" : null);
        Append(ref text, "session", targeting.SessionId);
        Append(ref text, "sesstime", targeting.SessionTtl is { } ttl ? ((long)ttl.TotalMinutes).ToString(CultureInfo.InvariantCulture) : null);
        Append(ref text, "sessmode", targeting.IsSticky && targeting.SessionMode == SessionMode.Strict ? "strict" : null);
        return text?.ToString();
    }

    private static void Append(ref StringBuilder? text, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        text = text is null ? new StringBuilder() : text.Append('-');
        text.Append(key).Append('-').Append(value);
    }

    private static string TypeName(Core.Pool.UpstreamType type) => type switch
    {
        Core.Pool.UpstreamType.Residential => "residential",
        Core.Pool.UpstreamType.Mobile => "mobile",
        Core.Pool.UpstreamType.Datacenter => "datacenter",
        Core.Pool.UpstreamType.Isp => "isp",
        _ => type.ToString().ToLowerInvariant(),
    };
}
