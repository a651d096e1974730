using System.Buffers;
using System.Globalization;
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

    public static async ValueTask WriteConnectEstablishedAsync(IDuplexPipe transport, long? upstreamId, string? sessionId, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ConnectEstablishedMaxLength(sessionId));
        try
        {
            int length = FormatConnectEstablished(buffer, upstreamId, sessionId);
            if (transport is Listening.SocketDuplexPipe raw)
            {
                // The gateway's own connection: nothing else was written before the 200, so it goes straight to the
                // socket, without the pipe's buffer and flush.
                await raw.SendAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await transport.Output.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The longest answer <see cref="FormatConnectEstablished"/> writes for <paramref name="sessionId"/>.</summary>
    internal static int ConnectEstablishedMaxLength(string? sessionId) =>
        128 + GatewayHeaders.Upstream.Length + GatewayHeaders.Session.Length + (sessionId is null ? 0 : Encoding.UTF8.GetMaxByteCount(sessionId.Length));

    /// <summary>
    /// <c>HTTP/1.1 200 Connection established</c>, with the upstream and session headers when given, into
    /// <paramref name="destination"/> (at least <see cref="ConnectEstablishedMaxLength"/> bytes); returns the length.
    /// </summary>
    internal static int FormatConnectEstablished(Span<byte> destination, long? upstreamId, string? sessionId)
    {
        int length = Append(destination, 0, "HTTP/1.1 200 Connection established\r\n"u8);
        if (upstreamId is { } id)
        {
            length += Encoding.ASCII.GetBytes(GatewayHeaders.Upstream, destination[length..]);
            length = Append(destination, length, ": "u8);
            id.TryFormat(destination[length..], out int written, default, CultureInfo.InvariantCulture);
            length = Append(destination, length + written, "\r\n"u8);
            if (sessionId is not null)
            {
                length += Encoding.ASCII.GetBytes(GatewayHeaders.Session, destination[length..]);
                length = Append(destination, length, ": "u8);
                length += Encoding.UTF8.GetBytes(sessionId, destination[length..]);
                length = Append(destination, length, "\r\n"u8);
            }
        }

        return Append(destination, length, "\r\n"u8);
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
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
