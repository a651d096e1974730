using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>
/// One client connection speaking HTTP proxy: absolute-form requests on a kept-alive connection (forwarded
/// over a reused origin connection, framing honoured) and CONNECT tunnels.
/// </summary>
internal sealed class HttpProxyConnection(SimulatedUpstreamProxy proxy, BufferedSocket client) : IDisposable
{
    private const int MaxChunkLine = 4096;

    // Responses are the bulk direction; a larger buffer means fewer system calls per megabyte.
    private const int OriginBufferSize = 64 * 1024;
    private BufferedSocket? _origin;
    private string? _originKey;

    // The exit of the current request when an authorizer picks it per request (a simulated backconnect gateway).
    private IPAddress? _exit;

    private IPAddress Exit => _exit ?? proxy.OutgoingAddress;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await HandleRequestAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    public void Dispose() => DropOrigin();

    /// <summary>Serves one request; true if the connection stays open for the next.</summary>
    private async Task<bool> HandleRequestAsync(CancellationToken cancellationToken)
    {
        SimulatedUpstreamOptions options = proxy.Options;
        int headLength = await client.ReadHeadAsync(options.MaxHeadBytes, cancellationToken).ConfigureAwait(false);
        if (headLength == HeadResult.TooLarge)
        {
            await AnswerAsync(431, "Request Header Fields Too Large", close: true, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (headLength < 0)
        {
            return false;
        }

        if (!HttpHead.TryParse(client.Buffered[..headLength], out HttpHead? request)
            || !request!.Third.StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !request.TryGetFraming(out bool chunked, out long length))
        {
            await AnswerAsync(400, "Bad Request", close: true, cancellationToken).ConfigureAwait(false);
            return false;
        }

        client.Consume(headLength);

        // An error answer leaves an unread body behind, so such a connection is closed instead of reused.
        bool closeOnError = chunked || length > 0 || WantsClose(request);
        SimulatedFault fault = proxy.Fault;
        if (fault == SimulatedFault.Stall)
        {
            await proxy.StallAsync(client, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (options.Authorizer is { } authorize && fault != SimulatedFault.Answer407)
        {
            (string? user, string? password) = ReadBasicCredentials(request);
            SimulatedAuthorization decision = authorize(user, password);
            if (decision.Exit is null)
            {
                await AnswerAsync(decision.Status, decision.Reason, closeOnError, cancellationToken, decision.Headers).ConfigureAwait(false);
                return !closeOnError;
            }

            // A gateway that binds its peer to the connection keeps the first request's exit (credentials and sessions are still checked).
            _exit = options.BindsExitToConnection && _exit is not null ? _exit : decision.Exit;
        }
        else if (fault == SimulatedFault.Answer407 || !IsAuthorized(request))
        {
            await AnswerAsync(407, "Proxy Authentication Required", closeOnError, cancellationToken,
                "Proxy-Authenticate: Basic realm=\"simulated-upstream\"\r\n").ConfigureAwait(false);
            return !closeOnError;
        }

        if (fault == SimulatedFault.Answer502)
        {
            await AnswerAsync(502, "Bad Gateway", closeOnError, cancellationToken, "Proxy-Status: simulated-upstream; error=proxy_internal_error\r\n").ConfigureAwait(false);
            return !closeOnError;
        }

        if (request.First.Equals("CONNECT", StringComparison.OrdinalIgnoreCase))
        {
            await TunnelAsync(request, fault, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (!ProxyTarget.TryParseAbsolute(request.Second, out string host, out int port, out string authority, out string pathAndQuery))
        {
            await AnswerAsync(400, "Bad Request", close: true, cancellationToken).ConfigureAwait(false);
            return false;
        }

        return await ForwardAsync(request, chunked, length, host, port, authority, pathAndQuery, fault, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<bool> ForwardAsync(
        HttpHead request, bool chunked, long length, string host, int port, string authority, string pathAndQuery,
        SimulatedFault fault, CancellationToken cancellationToken)
    {
        bool clientWantsClose = WantsClose(request);
        bool hasBody = chunked || length > 0;
        HashSet<string> listed = ConnectionTokens(request);
        byte[] head = request.Serialize(
            $"{request.First} {pathAndQuery} HTTP/1.1",
            name => !IsHopByHop(name) && !listed.Contains(name),
            request.Get("Host") is null ? $"Host: {authority}\r\n" : null);

        BufferedSocket origin;
        int headLength;
        for (int attempt = 0; ; attempt++)
        {
            bool reused;
            try
            {
                (origin, reused) = await GetOriginAsync(host, port, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                bool close = hasBody || clientWantsClose;
                await AnswerConnectFailureAsync(ex, close, cancellationToken).ConfigureAwait(false);
                return !close;
            }

            // A kept-alive origin connection may close just as it is reused: a bodiless request is sent again
            // on a fresh connection, as HTTP clients do.
            bool mayRetry = reused && !hasBody && attempt == 0;
            try
            {
                await SocketIo.SendAllAsync(origin.Socket, head, cancellationToken).ConfigureAwait(false);
                if (chunked)
                {
                    await RelayChunkedAsync(client, origin.Socket, cancellationToken).ConfigureAwait(false);
                }
                else if (length > 0)
                {
                    await client.CopyToAsync(origin.Socket, length, cancellationToken).ConfigureAwait(false);
                }

                headLength = await origin.ReadHeadAsync(proxy.Options.MaxHeadBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException) when (mayRetry)
            {
                DropOrigin();
                continue;
            }

            if (headLength == HeadResult.EndOfStream && mayRetry)
            {
                DropOrigin();
                continue;
            }

            break;
        }

        HttpHead? response;
        while (true)
        {
            if (headLength < 0 || !HttpHead.TryParse(origin.Buffered[..headLength], out response))
            {
                DropOrigin();
                await AnswerAsync(502, "Bad Gateway", close: true, cancellationToken).ConfigureAwait(false);
                return false;
            }

            int status = response!.StatusCode;
            // Interim answers (100 Continue) pass through; Upgrade is never forwarded, so 101 cannot occur.
            if (status is >= 100 and < 200)
            {
                await origin.SendBufferedAsync(client.Socket, headLength, cancellationToken).ConfigureAwait(false);
                headLength = await origin.ReadHeadAsync(proxy.Options.MaxHeadBytes, cancellationToken).ConfigureAwait(false);
                continue;
            }

            origin.Consume(headLength);
            break;
        }

        int statusCode = response.StatusCode;
        bool noBody = request.First.Equals("HEAD", StringComparison.OrdinalIgnoreCase) || statusCode is 204 or 304;
        if (!response.TryGetFraming(out bool responseChunked, out long responseLength))
        {
            DropOrigin();
            await AnswerAsync(502, "Bad Gateway", close: true, cancellationToken).ConfigureAwait(false);
            return false;
        }

        bool untilClose = !noBody && !responseChunked && responseLength < 0;
        bool closeClient = clientWantsClose || untilClose;
        // A proxy marks what it forwards (RFC 9110 §7.6.3), as Squid and tinyproxy do; its own answers carry no Via.
        byte[] responseHead = response.Serialize(
            $"{response.First} {response.Second} {response.Third}",
            name => !IsHopByHop(name),
            closeClient ? ForwardedMark + "Connection: close\r\n" : ForwardedMark);

        if (fault == SimulatedFault.ResetMidResponse)
        {
            await ResetMidResponseAsync(origin, responseHead, noBody || responseLength == 0, cancellationToken).ConfigureAwait(false);
            return false;
        }

        // Counted before the client can see the answer: a test that reads the count after the response must find it.
        proxy.CountRequest();
        await SocketIo.SendAllAsync(client.Socket, responseHead, cancellationToken).ConfigureAwait(false);

        if (!noBody)
        {
            if (responseChunked)
            {
                await RelayChunkedAsync(origin, client.Socket, cancellationToken).ConfigureAwait(false);
            }
            else if (responseLength >= 0)
            {
                await origin.CopyToAsync(client.Socket, responseLength, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await origin.CopyToEndAsync(client.Socket, cancellationToken).ConfigureAwait(false);
            }
        }

        if (untilClose || WantsClose(response))
        {
            DropOrigin();
        }

        return !closeClient;
    }

    private async Task TunnelAsync(HttpHead request, SimulatedFault fault, CancellationToken cancellationToken)
    {
        if (!ProxyTarget.TryParseAuthority(request.Second, 0, out string host, out int port))
        {
            await AnswerAsync(400, "Bad Request", close: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        Socket target;
        try
        {
            target = await OutboundConnector.ConnectAsync(
                Exit, host, port, proxy.Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            await AnswerConnectFailureAsync(ex, close: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            proxy.CountRequest();
            await SocketIo.SendAllAsync(client.Socket, "HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), cancellationToken)
                .ConfigureAwait(false);
            if (client.BufferedCount > 0)
            {
                await client.SendBufferedAsync(target, client.BufferedCount, cancellationToken).ConfigureAwait(false);
            }

            await TunnelRelay.RunAsync(client.Socket, target, proxy.Options.HalfCloseGrace,
                fault == SimulatedFault.ResetMidResponse, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            target.Dispose();
        }
    }

    /// <summary>Sends the head and part of the body (half of the head when there is no body), then resets.</summary>
    private async Task ResetMidResponseAsync(BufferedSocket origin, byte[] head, bool noBody, CancellationToken cancellationToken)
    {
        if (noBody)
        {
            await SocketIo.SendAllAsync(client.Socket, head.AsMemory(0, head.Length / 2), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (origin.BufferedCount == 0)
            {
                await origin.FillAsync(cancellationToken).ConfigureAwait(false);
            }

            await SocketIo.SendAllAsync(client.Socket, head, cancellationToken).ConfigureAwait(false);
            int partial = Math.Max(origin.BufferedCount / 2, Math.Min(1, origin.BufferedCount));
            await SocketIo.SendAllAsync(client.Socket, origin.BufferedMemory[..partial], cancellationToken).ConfigureAwait(false);
        }

        DropOrigin();
        SocketIo.Reset(client.Socket);
    }

    /// <summary>The kept-alive origin connection when it goes to the same target and is still open, else a new one.</summary>
    private async Task<(BufferedSocket Origin, bool Reused)> GetOriginAsync(string host, int port, CancellationToken cancellationToken)
    {
        string key = Exit + ">" + host + ":" + port;
        if (_origin is not null && _originKey == key && _origin.BufferedCount == 0 && IsStillOpen(_origin.Socket))
        {
            return (_origin, true);
        }

        DropOrigin();
        Socket socket = await OutboundConnector.ConnectAsync(
            Exit, host, port, proxy.Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        _origin = new BufferedSocket(socket, OriginBufferSize);
        _originKey = key;
        return (_origin, false);
    }

    private void DropOrigin()
    {
        _origin?.Dispose();
        _origin = null;
        _originKey = null;
    }

    private static (string? User, string? Password) ReadBasicCredentials(HttpHead request)
    {
        string? value = request.Get("Proxy-Authorization");
        if (value is null || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        Span<byte> decoded = stackalloc byte[1024];
        if (!Convert.TryFromBase64String(value[6..].Trim(), decoded, out int written))
        {
            return (null, null);
        }

        string credentials = Encoding.UTF8.GetString(decoded[..written]);
        int colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (credentials, string.Empty) : (credentials[..colon], credentials[(colon + 1)..]);
    }

    private bool IsAuthorized(HttpHead request)
    {
        SimulatedUpstreamOptions options = proxy.Options;
        if (options.Username is null)
        {
            return true;
        }

        string? value = request.Get("Proxy-Authorization");
        if (value is null || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[1024];
        if (!Convert.TryFromBase64String(value[6..].Trim(), decoded, out int written))
        {
            return false;
        }

        string credentials = Encoding.UTF8.GetString(decoded[..written]);
        return credentials == options.Username + ":" + options.Password;
    }

    /// <summary>
    /// The target could not be reached: 504 after a timeout, else 502, each with an RFC 9209 <c>Proxy-Status</c> that
    /// names the cause (as real proxies do), so the gateway can tell the target's failure from the proxy's own.
    /// </summary>
    private Task AnswerConnectFailureAsync(SocketException ex, bool close, CancellationToken cancellationToken)
    {
        string error = ex.SocketErrorCode switch
        {
            SocketError.TimedOut => "connection_timeout",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "dns_error",
            SocketError.ConnectionRefused => "connection_refused",
            _ => "destination_unavailable",
        };
        string header = $"Proxy-Status: simulated-upstream; error={error}\r\n";
        return ex.SocketErrorCode == SocketError.TimedOut
            ? AnswerAsync(504, "Gateway Timeout", close, cancellationToken, header)
            : AnswerAsync(502, "Bad Gateway", close, cancellationToken, header);
    }

    private async Task AnswerAsync(int status, string reason, bool close, CancellationToken cancellationToken, string? extraHeaders = null)
    {
        string body = $"simulated upstream: {status} {reason}\n";
        string text = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n"
            + extraHeaders + (close ? "Connection: close\r\n" : string.Empty) + "\r\n" + body;
        try
        {
            await SocketIo.SendAllAsync(client.Socket, Encoding.ASCII.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // The client left; nothing to tell it.
        }
    }

    private static async Task RelayChunkedAsync(BufferedSocket source, Socket destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            int lineLength = await source.ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false);
            long size = lineLength < 0 ? -1 : ParseChunkSize(source.Buffered[..(lineLength - 2)]);
            if (size < 0)
            {
                throw new IOException("Malformed chunked body.");
            }

            await source.SendBufferedAsync(destination, lineLength, cancellationToken).ConfigureAwait(false);
            if (size == 0)
            {
                // Trailer fields up to the final empty line.
                while (true)
                {
                    lineLength = await source.ReadLineAsync(MaxChunkLine, cancellationToken).ConfigureAwait(false);
                    if (lineLength < 0)
                    {
                        throw new IOException("Malformed chunked trailer.");
                    }

                    await source.SendBufferedAsync(destination, lineLength, cancellationToken).ConfigureAwait(false);
                    if (lineLength == 2)
                    {
                        return;
                    }
                }
            }

            await source.CopyToAsync(destination, size + 2, cancellationToken).ConfigureAwait(false);
        }
    }

    private static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        long size = 0;
        int digits = 0;
        foreach (byte b in line)
        {
            int value = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                if (b is (byte)';' or (byte)' ' or (byte)'\t')
                {
                    break;
                }

                return -1;
            }

            if (++digits > 15)
            {
                return -1;
            }

            size = (size * 16) + value;
        }

        return digits == 0 ? -1 : size;
    }

    private static bool IsStillOpen(Socket socket)
    {
        try
        {
            // Readable with nothing to read means the origin closed the idle connection.
            return !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static bool WantsClose(HttpHead head)
    {
        string version = head.First.StartsWith("HTTP/", StringComparison.Ordinal) ? head.First : head.Third;
        if (version == "HTTP/1.0")
        {
            return !head.HasToken("Connection", "keep-alive") && !head.HasToken("Proxy-Connection", "keep-alive");
        }

        return head.HasToken("Connection", "close") || head.HasToken("Proxy-Connection", "close");
    }

    private static HashSet<string> ConnectionTokens(HttpHead head)
    {
        var tokens = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? connection = head.Get("Connection");
        if (connection is not null)
        {
            foreach (string token in connection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    private const string ForwardedMark = "Via: 1.1 simulated-upstream\r\n";

    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase);
}
