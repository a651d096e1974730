using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// A CONNECT or SOCKS5 connection accepted by <see cref="GatewaySocketListener"/> and served without Kestrel: the
/// same <see cref="GatewayConnectionMiddleware"/> runs on it (limits, head timeout, handshake, pipeline), over a
/// <see cref="SocketDuplexPipe"/>. <see cref="ConnectionClosed"/> fires when the connection is aborted or the listener
/// stops; the end of the client is noticed by whoever reads from it.
/// </summary>
internal sealed class RawSocketConnection : ConnectionContext
{
    private readonly Socket _socket;
    private readonly SocketDuplexPipe _transport;
    private readonly CancellationTokenSource _closed = new();
    private readonly long _id;
    private string? _connectionId;
    private IFeatureCollection? _features;
    private IDictionary<object, object?>? _items;
    private EndPoint? _local;
    private EndPoint? _remote;
    private int _disposed;

    public RawSocketConnection(Socket socket, long id, byte[]? prefix = null)
    {
        _socket = socket;
        _transport = new SocketDuplexPipe(socket, prefix);
        _id = id;
        Transport = _transport;
    }

    public override IDuplexPipe Transport { get; set; }

    public override string ConnectionId
    {
        get => _connectionId ??= "gw-" + _id.ToString(CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    public override IFeatureCollection Features => _features ??= new FeatureCollection();

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _local ??= Endpoint(static s => s.LocalEndPoint, _socket);
        set => _local = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _remote ??= Endpoint(static s => s.RemoteEndPoint, _socket);
        set => _remote = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _closed.Token;
        set => throw new NotSupportedException("the connection owns its close token");
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        CancelQuietly();
        SocketShutdowns.Quietly(_socket, SocketShutdown.Both);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await CloseAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask CloseAsync()
    {
        try
        {
            await _transport.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone; nothing is left to flush.
        }

        await _transport.Input.CompleteAsync().ConfigureAwait(false);
        if (!_transport.IsShutDown)
        {
            // A FIN, not a reset: an answer written just before must reach the client. (A relayed tunnel's end shut
            // the socket down already; a second shutdown would only fail.)
            SocketShutdowns.Quietly(_socket, SocketShutdown.Send);
        }

        _socket.Dispose();
        CancelQuietly();
        _closed.Dispose();
    }

    private void CancelQuietly()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile.
        }
    }

    private static EndPoint? Endpoint(Func<Socket, EndPoint?> read, Socket socket)
    {
        try
        {
            return read(socket);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
