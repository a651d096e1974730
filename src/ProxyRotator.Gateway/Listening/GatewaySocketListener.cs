using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Socks;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// A gateway listener's own accept loop (Kestrel's transport for gateway endpoints, see
/// <see cref="GatewaySocketTransportFactory"/>). It peeks at each connection's first bytes without consuming them:
/// a plaintext CONNECT or SOCKS5 client is served here by the <see cref="GatewayConnectionMiddleware"/> over a
/// <see cref="RawSocketConnection"/>, so its tunnel is relayed socket to socket without Kestrel's two pipes and their
/// send and receive loops; everything else (absolute-form HTTP, TLS, anything unrecognised) is handed to Kestrel as an
/// ordinary socket connection, where the same middleware runs again and decides as before.
/// </summary>
internal sealed class GatewaySocketListener : IConnectionListener
{
    private static ReadOnlySpan<byte> ConnectPrefix => "CONNECT "u8;

    private readonly Socket _listenSocket;
    private readonly SocketConnectionContextFactory _kestrelConnections;
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

    public GatewaySocketListener(Socket listenSocket, SocketConnectionContextFactory kestrelConnections, GatewayConnectionMiddleware middleware,
        TimeSpan headTimeout, TimeProvider timeProvider, ILogger logger, Action servedDirectly, HttpRelay.HttpRelayHandler? relay = null)
    {
        _relay = relay;
        _servedDirectly = servedDirectly;
        _listenSocket = listenSocket;
        _kestrelConnections = kestrelConnections;
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
        _kestrelConnections.Dispose();
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
        bool ours;
        byte first;
        try
        {
            (ours, first) = await PeekIsTunnelAsync(socket).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed, reset or silent for a whole head timeout before its first byte: nothing to answer.
            socket.Dispose();
            return;
        }

        if (!ours && _relay is not null && first is >= (byte)'A' and <= (byte)'Z')
        {
            // A plaintext HTTP method: the HTTP relay serves absolute-form http:// requests itself.
            await RelayAsync(_relay, socket).ConfigureAwait(false);
            return;
        }

        if (!ours)
        {
            if (!_handedOff.Writer.TryWrite(_kestrelConnections.Create(socket)))
            {
                socket.Dispose(); // stopping
            }

            return;
        }

        Interlocked.Increment(ref _servedTasks);
        _servedDirectly();
        long id = Interlocked.Increment(ref _nextId);
        var connection = new RawSocketConnection(socket, id);
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
    /// True for a SOCKS5 greeting (0x05) or <c>CONNECT </c>. Anything else, and a prefix too short to tell, goes to
    /// Kestrel, whose middleware sniffs again with all the bytes it needs.
    /// </summary>
    private async ValueTask<(bool Tunnel, byte First)> PeekIsTunnelAsync(Socket socket)
    {
        byte[] first = new byte[8];
        // One source for the head timeout and the listener's stop: the stop cancels it through a registration, which
        // costs less than a second, linked source.
        using var timeoutOrStop = new CancellationTokenSource(_headTimeout, _timeProvider);
        using CancellationTokenRegistration stop = _stopping.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeoutOrStop);
        int peeked = await socket.ReceiveAsync(first, SocketFlags.Peek, timeoutOrStop.Token).ConfigureAwait(false);
        if (peeked == 0)
        {
            throw new SocketException((int)SocketError.ConnectionReset);
        }

        return (first[0] == Socks5Constants.Version || (peeked == ConnectPrefix.Length && ConnectPrefix.SequenceEqual(first)), first[0]);
    }

    /// <summary>
    /// Lets the HTTP relay serve the connection; one whose head the relay does not serve goes on to Kestrel with the
    /// bytes the relay read, replayed ahead of the socket's.
    /// </summary>
    private async Task RelayAsync(HttpRelay.HttpRelayHandler relay, Socket socket)
    {
        Interlocked.Increment(ref _servedTasks);
        long id = Interlocked.Increment(ref _nextId);
        try
        {
            if (await relay.ServeAsync(socket, "gw-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), _stopping.Token).ConfigureAwait(false) is { } replay)
            {
                var connection = new RawSocketConnection(socket, id);
                var input = System.IO.Pipelines.PipeReader.Create(new Core.Upstreams.PrefixedStream(replay, new NetworkStream(socket, ownsSocket: false)));
                connection.Transport = new HttpRelay.ReplayingTransport(input, connection.Transport.Output);
                connection.Features.Set(RelayHandOffFeature.Instance);
                if (!_handedOff.Writer.TryWrite(connection))
                {
                    await connection.DisposeAsync().ConfigureAwait(false); // stopping
                }
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
