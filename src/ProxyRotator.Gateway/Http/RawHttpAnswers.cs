using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace ProxyRotator.Gateway.Http;

/// <summary>Answers the gateway writes itself on connections it handles below Kestrel's HTTP layer (CONNECT).</summary>
internal static class RawHttpAnswers
{
    public static async ValueTask WriteErrorAsync(PipeWriter output, int statusCode, string errorCode, string message, CancellationToken cancellationToken, int? retryAfterSeconds = null)
    {
        string body = message + "\n";
        var head = new StringBuilder(256)
            .Append("HTTP/1.1 ").Append(statusCode).Append(' ').Append(ReasonPhrases.GetReasonPhrase(statusCode)).Append("\r\n")
            .Append(GatewayHeaders.Error).Append(": ").Append(errorCode).Append("\r\n");
        if (statusCode == 407)
        {
            head.Append("Proxy-Authenticate: ").Append(GatewayHeaders.ProxyAuthenticateValue).Append("\r\n");
        }

        if (retryAfterSeconds is { } seconds)
        {
            head.Append("Retry-After: ").Append(seconds).Append("\r\n");
        }

        head.Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n")
            .Append("Connection: close\r\n\r\n")
            .Append(body);
        await WriteAsync(output, head.ToString(), cancellationToken).ConfigureAwait(false);
    }

    public static async ValueTask WriteConnectEstablishedAsync(PipeWriter output, long? upstreamId, string? sessionId, CancellationToken cancellationToken)
    {
        var head = new StringBuilder(128).Append("HTTP/1.1 200 Connection established\r\n");
        if (upstreamId is { } id)
        {
            head.Append(GatewayHeaders.Upstream).Append(": ").Append(id).Append("\r\n");
            if (sessionId is not null)
            {
                head.Append(GatewayHeaders.Session).Append(": ").Append(sessionId).Append("\r\n");
            }
        }

        head.Append("\r\n");
        await WriteAsync(output, head.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask WriteAsync(PipeWriter output, string text, CancellationToken cancellationToken)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        Span<byte> span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(text, span);
        output.Advance(length);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
