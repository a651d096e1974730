using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Socks;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// A gateway listener's own accept loop (Kestrel's transport for gateway endpoints, see
/// <see cref="GatewaySocketTransportFactory"/>). It reads each connection's first bytes: a plaintext CONNECT or SOCKS5
/// client is served here by the <see cref="GatewayConnectionMiddleware"/> over a <see cref="RawSocketConnection"/>, so
/// its tunnel is relayed socket to socket without Kestrel's two pipes and their send and receive loops; a plaintext
/// HTTP method goes to the HTTP relay; everything else (TLS, anything unrecognised, and what the relay does not serve)
/// is handed to Kestrel with the bytes read so far replayed first, where the same middleware runs again and decides.
/// </summary>
internal sealed class GatewaySocketListener : IConnectionListener
{
    private static ReadOnlySpan<byte> ConnectPrefix => "CONNECT "u8;

    private readonly Socket _listenSocket;
    private readonly GatewayConnectionMiddleware _middleware;
    private readonly TimeSpan _headTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action _servedDirectly;
    private readonly Channel<ConnectionContext> _handedOff = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, RawSocketConnection> _served = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private long _nextId;
    private int _servedTasks;
    private readonly TaskCompletionSource _allServed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpRelay.HttpRelayHandler? _relay;
    private readonly bool _setNoDelayPerSocket;

    public GatewaySocketListener(Socket listenSocket, GatewayConnectionMiddleware middleware,
        TimeSpan headTimeout, TimeProvider timeProvider, ILogger logger, Action servedDirectly, HttpRelay.HttpRelayHandler? relay = null)
    {
        _relay = relay;
        _servedDirectly = servedDirectly;
        _listenSocket = listenSocket;
        _middleware = middleware;
        _headTimeout = headTimeout;
        _timeProvider = timeProvider;
        _logger = logger;
        EndPoint = listenSocket.LocalEndPoint!;
        _servedTasks = 1; // the accept loop's own reference, dropped when it ends

        // Linux copies TCP_NODELAY from the listener to each accepted socket: one setsockopt per listener, not per
        // connection. Elsewhere each accepted socket sets it.
        listenSocket.NoDelay = true;
        _setNoDelayPerSocket = !OperatingSystem.IsLinux();
        _acceptLoop = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            while (await _handedOff.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_handedOff.Reader.TryRead(out ConnectionContext? connection))
                {
                    return connection;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Kestrel stops accepting.
        }

        return null;
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        _listenSocket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync().ConfigureAwait(false);

        // Like Kestrel's own connections at the end of a shutdown: whatever still runs is aborted, then awaited briefly.
        foreach (RawSocketConnection connection in _served.Values)
        {
            connection.Abort(new ConnectionAbortedException("the gateway is stopping"));
        }

        await _allServed.Task.WaitAsync(TimeSpan.FromSeconds(5), _timeProvider).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listenSocket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // The client gave up before it was accepted.
                    continue;
                }

                if (_setNoDelayPerSocket)
                {
                    socket.NoDelay = true;
                }

                _ = RouteAsync(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
        {
            // Unbound.
        }
        finally
        {
            _handedOff.Writer.TryComplete();
            ServedTaskEnded();
        }
    }

    private async Task RouteAsync(Socket socket)
    {
        byte[] first;
        try
        {
            first = await ReadFirstBytesAsync(socket).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed, reset or silent for a whole head timeout before its first byte: nothing to answer.
            socket.Dispose();
            return;
        }

        bool tunnel = first[0] == Socks5Constants.Version || first.AsSpan().StartsWith(ConnectPrefix);
        if (!tunnel && _relay is not null && first[0] is >= (byte)'A' and <= (byte)'Z')
        {
            // A plaintext HTTP method: the HTTP relay serves absolute-form http:// requests itself.
            await RelayAsync(_relay, socket, first).ConfigureAwait(false);
            return;
        }

        if (!tunnel)
        {
            await HandToKestrelAsync(socket, Interlocked.Increment(ref _nextId), first, relayedFirst: false).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _servedTasks);
        _servedDirectly();
        long id = Interlocked.Increment(ref _nextId);
        var connection = new RawSocketConnection(socket, id, first);
        _served[id] = connection;
        try
        {
            await _middleware.OnConnectionAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The middleware answers and logs what a client can cause; anything else is a bug, logged once here
            // instead of an unobserved task exception.
            GatewayLog.ConnectionFailed(_logger, connection.ConnectionId, ex);
        }
        finally
        {
            _served.TryRemove(id, out _);
            await connection.DisposeAsync().ConfigureAwait(false);
            ServedTaskEnded();
        }
    }

    /// <summary>
    /// The connection's first bytes, read (not peeked: one receive instead of a peek and then the same bytes again),
    /// at most <see cref="SocketDuplexPipe.MaxPrefixBytes"/>. <c>0x05</c> (SOCKS5) or <c>CONNECT </c> makes a tunnel;
    /// anything else, and a prefix too short to tell, goes to the relay or to Kestrel with these bytes replayed first.
    /// </summary>
    private async ValueTask<byte[]> ReadFirstBytesAsync(Socket socket)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(SocketDuplexPipe.MaxPrefixBytes);
        try
        {
            // One source for the head timeout and the listener's stop: the stop cancels it through a registration,
            // which costs less than a second, linked source.
            using var timeoutOrStop = new CancellationTokenSource(_headTimeout, _timeProvider);
            using CancellationTokenRegistration stop = _stopping.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeoutOrStop);
            int read = await socket.ReceiveAsync(buffer.AsMemory(0, SocketDuplexPipe.MaxPrefixBytes), SocketFlags.None, timeoutOrStop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            return buffer.AsSpan(0, read).ToArray();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Hands the connection to Kestrel with <paramref name="replay"/> (bytes already read from it) ahead of the
    /// socket's; the same middleware runs there. <paramref name="relayedFirst"/>: the relay took it first and
    /// counted it as accepted already.
    /// </summary>
    private async ValueTask HandToKestrelAsync(Socket socket, long id, byte[] replay, bool relayedFirst)
    {
        var connection = new RawSocketConnection(socket, id);
        var input = System.IO.Pipelines.PipeReader.Create(new Core.Upstreams.PrefixedStream(replay, new NetworkStream(socket, ownsSocket: false)));
        connection.Transport = new HttpRelay.ReplayingTransport(input, connection.Transport.Output);
        if (relayedFirst)
        {
            connection.Features.Set(RelayHandOffFeature.Instance);
        }

        if (!_handedOff.Writer.TryWrite(connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false); // stopping
        }
    }

    /// <summary>
    /// Lets the HTTP relay serve the connection; one whose head the relay does not serve goes on to Kestrel with the
    /// bytes the relay read, replayed ahead of the socket's.
    /// </summary>
    private async Task RelayAsync(HttpRelay.HttpRelayHandler relay, Socket socket, byte[] first)
    {
        Interlocked.Increment(ref _servedTasks);
        long id = Interlocked.Increment(ref _nextId);
        try
        {
            if (await relay.ServeAsync(socket, first, "gw-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), _stopping.Token).ConfigureAwait(false) is { } replay)
            {
                await HandToKestrelAsync(socket, id, replay, relayedFirst: true).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            GatewayLog.ConnectionFailed(_logger, "gw-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), ex);
            socket.Dispose();
        }
        finally
        {
            ServedTaskEnded();
        }
    }

    private void ServedTaskEnded()
    {
        if (Interlocked.Decrement(ref _servedTasks) == 0)
        {
            _allServed.TrySetResult();
        }
    }
}
