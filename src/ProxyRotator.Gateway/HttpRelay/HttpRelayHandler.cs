using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// The gateway's direct HTTP/1.1 relay for plaintext absolute-form <c>http://</c> requests (issue 14 §2): the
/// <see cref="GatewaySocketListener"/> gives it every plaintext connection whose first byte starts an HTTP method, and
/// it serves them without Kestrel, YARP or HttpClient on the path (<see cref="HttpRelayConnection"/>), through the same
/// <see cref="RequestPipeline"/> as every other front end. A connection whose head it does not serve goes on to Kestrel
/// with the bytes read so far. On unless <c>gateway.httpRelay</c> is false, and off on listeners that refuse plaintext
/// credentials (<c>gateway.tls.plaintextAuth: false</c>), whose refusal the Kestrel front end writes.
/// </summary>
internal sealed class HttpRelayHandler(
    RequestPipeline pipeline,
    GatewayConnectionLimiter limiter,
    ProxyRotatorConfig config,
    TimeProvider timeProvider,
    ILogger<HttpRelayHandler> logger,
    ProxyAccountAuthenticator? authenticator = null)
{
    /// <summary>How long a closing connection's late bytes are read and dropped before the socket closes.</summary>
    private static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(1);

    private long _relayed;

    /// <summary>Connections the relay served (at least their first request) so far.</summary>
    public long ConnectionsRelayed => Interlocked.Read(ref _relayed);

    /// <summary>Whether plaintext connections on the gateway port go to the relay.</summary>
    public bool Enabled => config.Gateway.HttpRelay && config.Gateway.Tls is not { PlaintextAuth: false };

    /// <summary>
    /// Serves the connection until it closes (the socket is closed then), or returns the bytes to replay when the
    /// connection goes on to Kestrel (the socket stays open). <paramref name="first"/> holds the bytes the listener
    /// already read from the socket.
    /// </summary>
    public async Task<byte[]?> ServeAsync(Socket socket, ReadOnlyMemory<byte> first, string connectionId, CancellationToken stopping)
    {
        if (!limiter.TryAcquire())
        {
            GatewayLog.ConnectionLimitReached(logger, connectionId, limiter.Limit);
            socket.Dispose();
            return null;
        }

        var connection = new HttpRelayConnection(socket, connectionId, pipeline, config.Gateway, timeProvider, logger, stopping, authenticator);
        connection.Reader.Append(first.Span);
        HttpRelayConnection.Ending ending = HttpRelayConnection.Ending.Closed;
        try
        {
            ending = await connection.RunAsync().ConfigureAwait(false);
            if (connection.Served > 0)
            {
                Interlocked.Increment(ref _relayed);
            }

            return ending == HttpRelayConnection.Ending.HandOff ? connection.HandOff : null;
        }
        finally
        {
            connection.Dispose();
            limiter.Release();
            if (ending == HttpRelayConnection.Ending.Closed)
            {
                await CloseGracefullyAsync(socket).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A FIN, not a reset: an answer written just before must reach the client, so what the client still sends (a body
    /// the relay did not read, a pipelined request) is read and dropped for a moment before the socket closes.
    /// </summary>
    private async Task CloseGracefullyAsync(Socket socket)
    {
        const int MaxDiscardedBytes = 1024 * 1024;
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var linger = new CancellationTokenSource(LingerTime, timeProvider);
            byte[] discard = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                int discarded = 0, read;
                while (discarded < MaxDiscardedBytes && (read = await socket.ReceiveAsync(discard, SocketFlags.None, linger.Token).ConfigureAwait(false)) > 0)
                {
                    discarded += read;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(discard);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Gone already, or lingered long enough.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
