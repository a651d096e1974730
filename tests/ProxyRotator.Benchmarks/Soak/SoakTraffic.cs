using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.Benchmarks.Soak;

/// <summary>
/// One soak operation at a time, drawn from a fixed mix: rotation (absolute-form GET on a keep-alive connection),
/// sticky sessions (64 long-lived ones and a new short-lived one now and then), a CONNECT tunnel, a SOCKS5 tunnel,
/// and requests to targets that cannot answer (an unresolvable <c>.invalid</c> host, a closed loopback port).
/// </summary>
internal sealed class SoakTraffic : IDisposable
{
    /// <summary>Long-lived sticky sessions reused by the <c>sticky</c> share of the mix.</summary>
    private const int StickySessions = 64;

    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(30);

    private readonly IPEndPoint _gateway;
    private readonly string _account;
    private readonly string _password;
    private readonly Uri _origin;
    private readonly int _closedPort;
    private readonly HttpClient _client;
    private readonly SoakRecorder _recorder;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..6];
    private long _counter;

    public SoakTraffic(IPEndPoint gateway, string account, string password, Uri origin, int closedPort, int concurrency, SoakRecorder recorder)
    {
        (_gateway, _account, _password, _origin, _closedPort, _recorder) = (gateway, account, password, origin, closedPort, recorder);
        var handler = new SocketsHttpHandler
        {
            Proxy = new WebProxy($"http://{gateway}"),
            UseProxy = true,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Runs one operation of the mix and records it; never throws but for <paramref name="stop"/>.</summary>
    public async Task RunOneAsync(CancellationToken stop)
    {
        long n = Interlocked.Increment(ref _counter);
        int pick = (int)(n % 20);
        (string name, Func<CancellationToken, Task<string?>> operation, bool measured) = pick switch
        {
            < 7 => Operation("rotation", ct => HttpGetAsync(new Uri(_origin, "ip"), _account, ct), true),
            < 10 => Operation("sticky", ct => HttpGetAsync(new Uri(_origin, "ip"), $"{_account}-session-s{_runId}{n % StickySessions}", ct), true),
            10 => Operation("sticky-new", ct => HttpGetAsync(new Uri(_origin, "ip"), $"{_account}-session-n{_runId}{n}-sesstime-2", ct), true),
            < 14 => Operation("connect", ConnectAsync, true),
            < 18 => Operation("socks5", Socks5Async, true),
            18 => Operation("fail-invalid", ct => HttpGetAsync(new Uri($"http://soak-{n}.invalid/"), _account, ct), false),
            _ => Operation("fail-closed", ct => HttpGetAsync(new Uri($"http://127.0.0.1:{_closedPort}/"), _account, ct), false),
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(OperationTimeout);
        long started = Stopwatch.GetTimestamp();
        string? failure;
        try
        {
            failure = await operation(timeout.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            failure = "timeout";
        }
        catch (HttpRequestException ex)
        {
            failure = ex.HttpRequestError == HttpRequestError.Unknown ? "http-error" : "http-" + ex.HttpRequestError;
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            failure = "io";
        }

        _recorder.Record(name, failure, Stopwatch.GetElapsedTime(started), measured && failure is null);
    }

    public void Dispose() => _client.Dispose();

    private static (string Name, Func<CancellationToken, Task<string?>> Run, bool Measured) Operation(
        string name, Func<CancellationToken, Task<string?>> run, bool measured) => (name, run, measured);

    private async Task<string?> HttpGetAsync(Uri url, string username, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ProxyAuthorization = new AuthenticationHeaderValue("Basic", Basic(username));
        using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using (Stream body = await response.Content.ReadAsStreamAsync(ct))
        {
            await body.CopyToAsync(Stream.Null, ct);
        }

        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        string code = response.Headers.TryGetValues("X-ProxyRotator-Error", out IEnumerable<string>? values) ? values.First() : "-";
        return $"{(int)response.StatusCode} {code}";
    }

    private async Task<string?> ConnectAsync(CancellationToken ct)
    {
        string authority = $"{_origin.Host}:{_origin.Port}";
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_gateway, ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\nProxy-Authorization: Basic {Basic(_account)}\r\n\r\n"), ct);
        byte[] buffer = new byte[4096];
        int read = await ReadHeadAsync(socket, buffer, ct);
        string head = Encoding.ASCII.GetString(buffer, 0, read);
        if (read < 12 || head[9] != '2')
        {
            return read < 12 ? "closed" : $"{head.AsSpan(9, 3)} {ErrorHeader(head)}";
        }

        return await GetThroughTunnelAsync(socket, authority, buffer, ct);
    }

    private async Task<string?> Socks5Async(CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_gateway, ct);
        byte[] buffer = new byte[4096];
        await socket.SendAsync(new byte[] { 5, 1, 2 }, ct);
        if (await ReadExactlyAsync(socket, buffer.AsMemory(0, 2), ct) is false || buffer[1] != 2)
        {
            return "socks-method";
        }

        byte[] user = Encoding.UTF8.GetBytes(_account);
        byte[] pass = Encoding.UTF8.GetBytes(_password);
        byte[] auth = [1, (byte)user.Length, .. user, (byte)pass.Length, .. pass];
        await socket.SendAsync(auth, ct);
        if (await ReadExactlyAsync(socket, buffer.AsMemory(0, 2), ct) is false || buffer[1] != 0)
        {
            return "socks-auth";
        }

        byte[] request = new byte[10];
        request[0] = 5;
        request[1] = 1;
        request[3] = 1;
        IPAddress.Parse(_origin.Host).GetAddressBytes().CopyTo(request, 4);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), (ushort)_origin.Port);
        await socket.SendAsync(request, ct);
        if (await ReadExactlyAsync(socket, buffer.AsMemory(0, 4), ct) is false)
        {
            return "socks-closed";
        }

        if (buffer[1] != 0)
        {
            return "socks-reply-0x" + buffer[1].ToString("x2", CultureInfo.InvariantCulture);
        }

        int rest = buffer[3] switch { 1 => 4 + 2, 4 => 16 + 2, _ => -1 };
        if (rest < 0 || await ReadExactlyAsync(socket, buffer.AsMemory(0, rest), ct) is false)
        {
            return "socks-bound-address";
        }

        return await GetThroughTunnelAsync(socket, $"{_origin.Host}:{_origin.Port}", buffer, ct);
    }

    private static async Task<string?> GetThroughTunnelAsync(Socket socket, string authority, byte[] buffer, CancellationToken ct)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /ip HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"), ct);
        int total = 0;
        int read;
        bool ok = false;
        while ((read = await socket.ReceiveAsync(buffer, ct)) > 0)
        {
            if (total == 0)
            {
                ok = read >= 12 && buffer[9] == '2';
            }

            total += read;
        }

        return ok ? null : total == 0 ? "tunnel-empty" : "tunnel-status";
    }

    private static async Task<int> ReadHeadAsync(Socket socket, byte[] buffer, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(total), ct);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        return total;
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer[total..], ct);
            if (read == 0)
            {
                return false;
            }

            total += read;
        }

        return true;
    }

    private static string ErrorHeader(string head)
    {
        const string Name = "X-ProxyRotator-Error:";
        int at = head.IndexOf(Name, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return "-";
        }

        int end = head.IndexOf('\r', at);
        return head[(at + Name.Length)..(end < 0 ? head.Length : end)].Trim();
    }

    private string Basic(string username) => Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + _password));
}
