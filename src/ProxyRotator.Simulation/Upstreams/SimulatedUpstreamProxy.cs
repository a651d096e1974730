using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>
/// A real upstream proxy on its own loopback address: HTTP proxy (absolute-form with keep-alive, CONNECT) and
/// SOCKS5 (RFC 1928/1929), with Basic / username-password authentication. Outgoing connections leave from its
/// own address, so an IP-echo origin reports which upstream carried a request. <see cref="Fault"/> makes it
/// misbehave at runtime.
/// </summary>
public sealed partial class SimulatedUpstreamProxy : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly ConcurrentDictionary<ActiveConnection, byte> _connections = new();
    private readonly ILogger _logger;
    private Socket? _listener;
    private Socket? _portHolder;
    private Task _acceptLoop = Task.CompletedTask;
    private volatile SimulatedFault _fault;
    private bool _started;
    private bool _disposed;
    private long _connectionsAccepted;
    private long _requestsServed;

    public SimulatedUpstreamProxy(SimulatedUpstreamOptions options, ILogger<SimulatedUpstreamProxy>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Username is null) != (options.Password is null))
        {
            throw new ArgumentException("Username and password are set together or not at all.", nameof(options));
        }

        Options = options;
        OutgoingAddress = options.OutgoingAddress ?? options.ListenAddress;
        ListenEndPoint = new IPEndPoint(options.ListenAddress, options.Port);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Creates and starts a proxy.</summary>
    public static SimulatedUpstreamProxy Start(SimulatedUpstreamOptions options, ILogger<SimulatedUpstreamProxy>? logger = null)
    {
        var proxy = new SimulatedUpstreamProxy(options, logger);
        proxy.Start();
        return proxy;
    }

    internal SimulatedUpstreamOptions Options { get; }

    /// <summary>The source address of its outgoing connections (what an IP-echo origin sees).</summary>
    public IPAddress OutgoingAddress { get; }

    /// <summary>The listening address and port (the port is known after <see cref="Start()"/>).</summary>
    public IPEndPoint ListenEndPoint { get; private set; }

    public UpstreamScheme Scheme => Options.Scheme;

    /// <summary>How to reach it, credentials included (the endpoint masks them in <c>ToString</c>).</summary>
    public UpstreamEndpoint Endpoint =>
        new(Options.Scheme, ListenEndPoint.Address.ToString(), ListenEndPoint.Port, Options.Username, Options.Password);

    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);

    /// <summary>Forwarded HTTP requests plus established CONNECT and SOCKS5 tunnels, counted as the answer starts to go out.</summary>
    public long RequestsServed => Interlocked.Read(ref _requestsServed);

    public int ActiveConnections => _connections.Count;

    /// <summary>
    /// The current misbehaviour. Switching to <see cref="SimulatedFault.Refuse"/> closes the listener and drops
    /// every connection; switching away reopens the listener on the same port. Other faults apply to the next
    /// connection or request.
    /// </summary>
    public SimulatedFault Fault
    {
        get => _fault;
        set
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                SimulatedFault previous = _fault;
                _fault = value;
                if (!_started || previous == value)
                {
                    return;
                }

                if (value == SimulatedFault.Refuse)
                {
                    CloseListener();
                    HoldPort();
                    AbortConnections();
                }
                else if (previous == SimulatedFault.Refuse)
                {
                    OpenListener(ListenEndPoint.Port);
                }
            }
        }
    }

    /// <summary>Binds the listener (a free port when <see cref="SimulatedUpstreamOptions.Port"/> is 0) and starts accepting.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException("The proxy is already started.");
            }

            OpenListener(Options.Port);
            _started = true;
            if (_fault == SimulatedFault.Refuse)
            {
                CloseListener();
                HoldPort();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task acceptLoop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseListener();
            acceptLoop = _acceptLoop;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        Task[] handlers = AbortConnections();
        try
        {
            await Task.WhenAll(handlers.Append(acceptLoop)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogSlowShutdown(_logger, ListenEndPoint);
        }

        _disposing.Dispose();
    }

    internal void CountRequest() => Interlocked.Increment(ref _requestsServed);

    /// <summary>Holds a connection open without answering, until the client leaves or the proxy is disposed.</summary>
    internal async Task StallAsync(BufferedSocket client, CancellationToken cancellationToken)
    {
        client.Consume(client.BufferedCount);
        while (await client.FillAsync(cancellationToken).ConfigureAwait(false))
        {
            client.Consume(client.BufferedCount);
        }
    }

    private void OpenListener(int port)
    {
        ReleasePort();
        var listener = new Socket(Options.ListenAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Reopening after Refuse must not trip over connections of the old listener in TIME_WAIT.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(Options.ListenAddress, port));
            listener.Listen(4096);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        ListenEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _listener = listener;
        Task previous = _acceptLoop;
        Task loop = AcceptLoopAsync(listener);
        _acceptLoop = Task.WhenAll(previous, loop);
    }

    private void CloseListener()
    {
        _listener?.Dispose();
        _listener = null;
        ReleasePort();
    }

    /// <summary>
    /// While refusing, keep the port bound but not listening: connects get a RST (refused) as with nothing
    /// bound, yet no other socket on this address (say an outgoing connection of another world's proxy) can take
    /// the port, so switching back can always reopen it.
    /// </summary>
    private void HoldPort()
    {
        var holder = new Socket(Options.ListenAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            holder.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            holder.Bind(ListenEndPoint);
            _portHolder = holder;
        }
        catch (SocketException)
        {
            // Best effort: without the holder, reopening may race for the port but refusing still works.
            holder.Dispose();
        }
    }

    private void ReleasePort()
    {
        _portHolder?.Dispose();
        _portHolder = null;
    }

    private Task[] AbortConnections()
    {
        var handlers = new List<Task>();
        foreach (ActiveConnection connection in _connections.Keys)
        {
            connection.Abort();
            handlers.Add(connection.Completion);
        }

        return [.. handlers];
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_disposing.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _connectionsAccepted);
            var connection = new ActiveConnection(socket, _disposing.Token);
            _connections.TryAdd(connection, 0);
            connection.Completion = HandleConnectionAsync(connection);
        }
    }

    private async Task HandleConnectionAsync(ActiveConnection connection)
    {
        // Leave the accept loop at once; the handshake runs on its own.
        await Task.Yield();
        CancellationToken cancellationToken = connection.Cancellation.Token;
        var client = new BufferedSocket(connection.Socket);
        try
        {
            connection.Socket.NoDelay = true;
            if (_fault == SimulatedFault.Stall)
            {
                await StallAsync(client, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!await client.FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            bool socks = client.Buffered[0] == 5;
            if (!Options.AcceptBothSchemes && socks != (Options.Scheme == UpstreamScheme.Socks5))
            {
                return;
            }

            if (socks)
            {
                await new Socks5ProxyConnection(this, client).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var http = new HttpProxyConnection(this, client);
                await http.RunAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            LogConnectionEnded(_logger, ListenEndPoint, ex.GetType().Name, ex.Message);
        }
        catch (Exception ex)
        {
            LogConnectionFailed(_logger, ListenEndPoint, ex);
        }
        finally
        {
            client.Dispose();
            _connections.TryRemove(connection, out _);
            connection.Cancellation.Dispose();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Simulated upstream {EndPoint}: connection ended ({Kind}: {Reason})")]
    private static partial void LogConnectionEnded(ILogger logger, IPEndPoint endPoint, string kind, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Simulated upstream {EndPoint}: connection failed")]
    private static partial void LogConnectionFailed(ILogger logger, IPEndPoint endPoint, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Simulated upstream {EndPoint}: connections still open after 5 s at shutdown")]
    private static partial void LogSlowShutdown(ILogger logger, IPEndPoint endPoint);

    /// <summary>A client connection that can be cut from outside (Refuse, dispose).</summary>
    private sealed class ActiveConnection(Socket socket, CancellationToken stopping)
    {
        public Socket Socket { get; } = socket;

        public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(stopping);

        public Task Completion { get; set; } = Task.CompletedTask;

        public void Abort()
        {
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            Socket.Dispose();
        }
    }
}
