using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.IntegrationTests.Simulation;

/// <summary>
/// A minimal client written against the protocols, so tests can see exact bytes, status codes, SOCKS replies
/// and keep-alive behaviour that library clients hide.
/// </summary>
internal sealed class RawProxyClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawProxyClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket => _socket;

    public static async Task<RawProxyClient> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new RawProxyClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        _stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).AsTask();

    public Task SendAsync(byte[] bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken).AsTask();

    /// <summary>Reads one HTTP response (Content-Length or chunked framing) and returns status, headers and body.</summary>
    public async Task<RawHttpResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        string head = await ReadHeadAsync(cancellationToken);
        string[] lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        using var body = new MemoryStream();
        if (headers.TryGetValue("Transfer-Encoding", out string? te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                string sizeLine = await ReadLineAsync(cancellationToken);
                int size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    while ((await ReadLineAsync(cancellationToken)).Length > 0)
                    {
                    }

                    break;
                }

                body.Write(await ReadExactAsync(size, cancellationToken));
                await ReadLineAsync(cancellationToken);
            }
        }
        else if (headers.TryGetValue("Content-Length", out string? length))
        {
            body.Write(await ReadExactAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), cancellationToken));
        }

        return new RawHttpResponse(status, headers, body.ToArray());
    }

    public async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        while (true)
        {
            string line = await ReadLineAsync(cancellationToken);
            if (line.Length == 0)
            {
                return head.ToString();
            }

            head.Append(line).Append("\r\n");
        }
    }

    /// <summary>Reads whatever arrives until the peer closes or resets; returns the bytes and whether it was a reset.</summary>
    public async Task<(int Bytes, bool Reset)> ReadToEndAsync(CancellationToken cancellationToken)
    {
        int total = _end - _start;
        _start = _end = 0;
        try
        {
            while (true)
            {
                int read = await _stream.ReadAsync(_buffer, cancellationToken);
                if (read == 0)
                {
                    return (total, false);
                }

                total += read;
            }
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return (total, true);
        }
    }

    /// <summary>SOCKS5 greeting (offering username/password when given), RFC 1929, then CONNECT. Returns the reply code, or the RFC 1929 status + 0x100 when authentication failed.</summary>
    public async Task<int> Socks5ConnectAsync(byte addressType, byte[] address, int port, string? user, string? password, CancellationToken cancellationToken)
    {
        await SendAsync(user is null ? [5, 1, 0] : [5, 2, 0, 2], cancellationToken);
        byte[] choice = await ReadExactAsync(2, cancellationToken);
        if (choice[1] == 0xFF)
        {
            return 0x1FF;
        }

        if (choice[1] == 2)
        {
            byte[] u = Encoding.UTF8.GetBytes(user ?? string.Empty);
            byte[] p = Encoding.UTF8.GetBytes(password ?? string.Empty);
            await SendAsync([1, (byte)u.Length, .. u, (byte)p.Length, .. p], cancellationToken);
            byte[] status = await ReadExactAsync(2, cancellationToken);
            if (status[1] != 0)
            {
                return 0x100 + status[1];
            }
        }

        byte[] portBytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(portBytes, (ushort)port);
        await SendAsync([5, 1, 0, addressType, .. address, .. portBytes], cancellationToken);
        byte[] reply = await ReadExactAsync(4, cancellationToken);
        int addressLength = reply[3] switch { 1 => 4, 4 => 16, _ => 1 + (await ReadExactAsync(1, cancellationToken))[0] };
        await ReadExactAsync(addressLength + 2, cancellationToken);
        return reply[1];
    }

    public static byte[] DomainAddress(string host) => [(byte)host.Length, .. Encoding.ASCII.GetBytes(host)];

    public async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        byte[] result = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            int take = Math.Min(count - filled, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, filled, take);
            _start += take;
            filled += take;
        }

        return result;
    }

    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            char c = (char)_buffer[_start++];
            if (c == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append(c);
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, cancellationToken);
        if (_end == 0)
        {
            throw new EndOfStreamException("The proxy closed the connection.");
        }
    }
}
