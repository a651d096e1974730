
namespace ProxyRotator.Core.Upstreams;

/// <summary>
/// Reads the error headers upstream proxies put on their own error answers, as evidence of whose fault a failure was:
/// RFC 9209 <c>Proxy-Status</c> (<c>error=dns_error</c>, <c>connection_refused</c>, … concern the target;
/// <c>proxy_internal_error</c>, <c>http_request_denied</c>, … the proxy itself), Squid's <c>X-Squid-Error</c>
/// (<c>ERR_DNS_FAIL</c>, <c>ERR_CONNECT_FAIL</c>, …) and vendor headers in the style of <c>X-Luminati-Error</c> /
/// <c>x-brd-err-code</c> / <c>x-brd-error</c> / SOAX's <c>X-SOAX-Error</c>, whose text names the cause. A header that says nothing known gives no evidence.
/// </summary>
public static class UpstreamErrorHeaders
{
    private static readonly string[] TargetProxyStatusErrors =
    [
        "dns_timeout", "dns_error", "destination_not_found", "destination_unavailable", "destination_ip_unroutable",
        "connection_refused", "connection_terminated", "connection_timeout", "connection_read_timeout",
        "connection_write_timeout", "tls_protocol_error", "tls_certificate_error", "tls_alert_received",
        "http_response_incomplete", "http_response_header_section_size", "http_response_header_size",
        "http_response_body_size", "http_response_trailer_section_size", "http_response_trailer_size",
        "http_response_transfer_coding", "http_response_content_coding", "http_response_timeout",
    ];

    private static readonly string[] TargetSquidErrors =
    [
        "ERR_DNS_FAIL", "ERR_CONNECT_FAIL", "ERR_READ_TIMEOUT", "ERR_READ_ERROR", "ERR_WRITE_ERROR",
        "ERR_ZERO_SIZE_OBJECT", "ERR_LIFETIME_EXP", "ERR_SECURE_CONNECT_FAIL",
    ];

    private static readonly string[] TargetWords = ["resolve", "dns", "unreachable", "refused", "timed out", "timeout", "target", "destination", "host not found", "no such host"];

    /// <summary>True for header names this class reads.</summary>
    public static bool IsEvidenceHeader(ReadOnlySpan<char> name) =>
        name.Equals("Proxy-Status", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Squid-Error", StringComparison.OrdinalIgnoreCase)
        || IsVendorHeader(name);

    /// <summary>
    /// Whether a <c>Proxy-Status</c> value says the proxy forwarded an answer it received from the next hop
    /// (RFC 9209 <c>received-status</c>) rather than writing it itself.
    /// </summary>
    public static bool SaysForwarded(string? proxyStatus) =>
        proxyStatus is not null && proxyStatus.Contains("received-status=", StringComparison.OrdinalIgnoreCase);

    /// <summary>What one error header says, or null when it says nothing known; <paramref name="reason"/> is a short safe text.</summary>
    public static FailureEvidence? Classify(ReadOnlySpan<char> name, ReadOnlySpan<char> value, out string? reason)
    {
        reason = null;
        value = value.Trim();
        if (value.IsEmpty || value.Length > 512)
        {
            return null;
        }

        if (name.Equals("Proxy-Status", StringComparison.OrdinalIgnoreCase))
        {
            int at = value.IndexOf("error=", StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return null;
            }

            ReadOnlySpan<char> error = value[(at + 6)..];
            int end = error.IndexOfAny(';', ',', ' ');
            error = (end >= 0 ? error[..end] : error).Trim('"');
            if (error.IsEmpty)
            {
                return null;
            }

            reason = Safe(error);
            foreach (string known in TargetProxyStatusErrors)
            {
                if (error.Equals(known, StringComparison.OrdinalIgnoreCase))
                {
                    return FailureEvidence.Target;
                }
            }

            return FailureEvidence.Upstream;
        }

        if (name.Equals("X-Squid-Error", StringComparison.OrdinalIgnoreCase))
        {
            int space = value.IndexOf(' ');
            ReadOnlySpan<char> code = space >= 0 ? value[..space] : value;
            reason = Safe(code);
            foreach (string known in TargetSquidErrors)
            {
                if (code.Equals(known, StringComparison.OrdinalIgnoreCase))
                {
                    return FailureEvidence.Target;
                }
            }

            return FailureEvidence.Upstream;
        }

        if (IsVendorHeader(name))
        {
            reason = Safe(value);
            foreach (string word in TargetWords)
            {
                if (value.Contains(word, StringComparison.OrdinalIgnoreCase))
                {
                    return FailureEvidence.Target;
                }
            }

            return FailureEvidence.Upstream;
        }

        return null;
    }

    private static bool IsVendorHeader(ReadOnlySpan<char> name) =>
        name.Equals("X-Luminati-Error", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-brd-err-code", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-brd-error", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Proxy-Error", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-SOAX-Error", StringComparison.OrdinalIgnoreCase)
        // Not documented by these vendors as far as we know: the names the simulated vendor gateways answer with.
        || name.Equals("X-Oxylabs-Error", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Decodo-Error", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-IPRoyal-Error", StringComparison.OrdinalIgnoreCase);

    /// <summary>At most 100 printable ASCII characters: the upstream's text goes into our answer.</summary>
    private static string Safe(ReadOnlySpan<char> text)
    {
        Span<char> buffer = stackalloc char[Math.Min(text.Length, 100)];
        int length = 0;
        foreach (char c in text)
        {
            if (length == buffer.Length)
            {
                break;
            }

            buffer[length++] = c is >= ' ' and <= '~' ? c : '?';
        }

        return new string(buffer[..length]);
    }
}
