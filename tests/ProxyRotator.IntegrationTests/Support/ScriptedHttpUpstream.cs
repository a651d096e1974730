using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// An HTTP upstream proxy whose answers a test writes byte for byte (chunked, close-delimited, a close instead of an
/// answer...), to hold the gateway's HTTP relay to exact framing. Reads each request (head, and a Content-Length or
/// chunked body), records it, and lets <see cref="Answer"/> write the response; connections are kept alive until the
/// script closes them. Listens on its own loopback address, on a free port.
/// </summary>
public sealed class ScriptedHttpUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public ScriptedHttpUpstream(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    /// <summary>One request as the upstream read it; <see cref="Connection"/> numbers connections from 1, <see cref="OnConnection"/> requests on it from 1.</summary>
    public sealed record Request(int Connection, int OnConnection, string RequestLine, string Head, byte[] Body)
    {
        public string Target => RequestLine.Split(' ')[1];

        public string? Header(string name) => Head.Split("\r\n").Skip(1)
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim()).FirstOrDefault();
    }

    public IPEndPoint Endpoint { get; }

    public string Url => $"http://{Endpoint.Address}:{Endpoint.Port}";

    /// <summary>Every request read (health probes included).</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>
    /// Writes the answer to a request; returns false to close the connection afterwards. The default answers every
    /// request with 200 and the caller's address as a 9-byte body (health probes pass).
    /// </summary>
    public Func<Request, Stream, Task<bool>> Answer { get; set; } = DefaultAsync;

    public static async Task<bool> DefaultAsync(Request request, Stream stream)
    {
        await WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n127.0.0.1");
        return true;
    }

    public static Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client, Interlocked.Increment(ref _connections));
        }
    }

    private async Task ServeAsync(TcpClient client, int connection)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            var buffered = new List<byte>();
            try
            {
                for (int onConnection = 1; ; onConnection++)
                {
                    string? head = await ReadHeadAsync(stream, buffered);
                    if (head is null)
                    {
                        return;
                    }

                    byte[] body = await ReadBodyAsync(stream, buffered, head);
                    var request = new Request(connection, onConnection, head[..head.IndexOf("\r\n", StringComparison.Ordinal)], head, body);
                    Requests.Enqueue(request);
                    if (!await Answer(request, stream))
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The gateway closed the connection.
            }
        }
    }

    private async Task<string?> ReadHeadAsync(NetworkStream stream, List<byte> buffered)
    {
        while (true)
        {
            int end = IndexOf(buffered, "\r\n\r\n"u8.ToArray());
            if (end >= 0)
            {
                string head = Encoding.Latin1.GetString(buffered.GetRange(0, end + 4).ToArray());
                buffered.RemoveRange(0, end + 4);
                return head;
            }

            if (!await FillAsync(stream, buffered))
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadBodyAsync(NetworkStream stream, List<byte> buffered, string head)
    {
        string? length = HeaderOf(head, "Content-Length");
        if (length is not null)
        {
            int count = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            while (buffered.Count < count && await FillAsync(stream, buffered))
            {
            }

            byte[] body = buffered.GetRange(0, count).ToArray();
            buffered.RemoveRange(0, count);
            return body;
        }

        if (!string.Equals(HeaderOf(head, "Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        // The raw chunked body, framing and all, up to and including the last chunk's blank line.
        var raw = new List<byte>();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf(buffered, "\r\n"u8.ToArray())) < 0)
            {
                await FillAsync(stream, buffered);
            }

            string sizeLine = Encoding.ASCII.GetString(buffered.GetRange(0, lineEnd).ToArray());
            int size = Convert.ToInt32(sizeLine.Split(';')[0], 16);
            int total = lineEnd + 2 + size + 2;
            while (buffered.Count < total)
            {
                await FillAsync(stream, buffered);
            }

            raw.AddRange(buffered.GetRange(0, total));
            buffered.RemoveRange(0, total);
            if (size == 0)
            {
                return [.. raw];
            }
        }
    }

    private async Task<bool> FillAsync(NetworkStream stream, List<byte> buffered)
    {
        byte[] chunk = new byte[8192];
        int read = await stream.ReadAsync(chunk, _stop.Token);
        buffered.AddRange(chunk.AsSpan(0, read).ToArray());
        return read > 0;
    }

    private static string? HeaderOf(string head, string name) => head.Split("\r\n").Skip(1)
        .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
        .Select(line => line[(name.Length + 1)..].Trim()).FirstOrDefault();

    private static int IndexOf(List<byte> buffer, byte[] pattern)
    {
        for (int i = 0; i <= buffer.Count - pattern.Length; i++)
        {
            int j = 0;
            while (j < pattern.Length && buffer[i + j] == pattern[j])
            {
                j++;
            }

            if (j == pattern.Length)
            {
                return i;
            }
        }

        return -1;
    }
}
