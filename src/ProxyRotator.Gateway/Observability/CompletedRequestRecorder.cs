using System.Diagnostics;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// The one call the gateway makes when a request or tunnel ends: the entry goes to the access log (queued, never
/// waited for) and onto the request's span, which it ends. <see cref="IsWanted"/> lets the caller skip building the
/// entry when neither the log nor tracing would use it.
/// </summary>
public sealed class CompletedRequestRecorder(AccessLogWriter accessLog, GatewayTracing tracing)
{
    /// <summary>True when the access log is on or <paramref name="requestSpan"/> is being recorded.</summary>
    public bool IsWanted(Activity? requestSpan) => accessLog.IsEnabled || requestSpan is not null;

    public void Record(Activity? requestSpan, in AccessLogEntry entry)
    {
        accessLog.TryWrite(entry);
        tracing.CompleteRequest(requestSpan, entry);
    }
}
