using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.UnitTests.Gateway.Upstreams;

/// <summary>
/// A loopback TCP server that runs a scripted handler per connection: just enough of an HTTP CONNECT or SOCKS5
/// upstream for the connector's tests. Records what clients sent.
/// </summary>
internal sealed class FakeUpstreamServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<NetworkStream, FakeUpstreamServer, Task> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentBag<Task> _connections = [];

    public FakeUpstreamServer(Func<NetworkStream, FakeUpstreamServer, Task> handle)
    {
        _handle = handle;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public ConcurrentQueue<byte[]> Received { get; } = new();

    public CancellationToken Stopping => _stop.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
            await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Reads an HTTP request head (up to the blank line) and records it.</summary>
    public async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 65536)
        {
            if (await stream.ReadAsync(one, Stopping) == 0)
            {
                break;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                break;
            }
        }

        Received.Enqueue([.. head]);
        return Encoding.ASCII.GetString([.. head]);
    }

    public async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, Stopping);
        Received.Enqueue(buffer);
        return buffer;
    }

    /// <summary>Echoes bytes back until the client closes: the "target" behind a successful tunnel.</summary>
    public async Task EchoAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, Stopping)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), Stopping);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(RunAsync(socket));
        }
    }

    private async Task RunAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await _handle(stream, this);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or EndOfStreamException)
        {
        }
    }
}
