using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// <c>ProxyRotator.Benchmarks tunnel-client</c>: the CONNECT load generator of the separate-process benchmark, kept
/// running between rounds so its own JIT is warm. Each input line
/// <c>run PROXY_HOST:PORT BASIC_TOKEN TARGET_HOST:PORT PATH CONNECTIONS SECONDS</c> runs CONNECTIONS loops that each
/// open a new connection, CONNECT, send one GET with <c>Connection: close</c> and read to the end; it answers
/// <c>result COUNT ELAPSED_S P50_US P99_US ERRORS</c>.
/// </summary>
internal static class TunnelClientCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        _ = args;
        while (await Console.In.ReadLineAsync() is { } line)
        {
            string[] words = line.Split(' ');
            if (words.Length != 7 || words[0] != "run")
            {
                Console.WriteLine("error expected: run PROXY BASIC_TOKEN TARGET PATH CONNECTIONS SECONDS");
                continue;
            }

            Result result = await RunRoundAsync(IPEndPoint.Parse(words[1]), words[2], words[3], words[4],
                int.Parse(words[5], CultureInfo.InvariantCulture), double.Parse(words[6], CultureInfo.InvariantCulture));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"result {result.Count} {result.Elapsed.TotalSeconds:0.000} {result.P50Microseconds:0} {result.P99Microseconds:0} {result.Errors}"));
            Console.Out.Flush();
        }

        return 0;
    }

    private readonly record struct Result(long Count, TimeSpan Elapsed, double P50Microseconds, double P99Microseconds, long Errors);

    private static async Task<Result> RunRoundAsync(IPEndPoint proxy, string basicToken, string target, string path, int connections, double seconds)
    {
        byte[] connect = Encoding.ASCII.GetBytes($"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: Basic {basicToken}\r\n\r\n");
        byte[] get = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long errors = 0;
        var watch = Stopwatch.StartNew();
        List<long>[] latencies = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var mine = new List<long>(4096);
            byte[] buffer = new byte[16 * 1024];
            while (!stop.IsCancellationRequested)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    await OneTunnelAsync(proxy, connect, get, buffer, stop.Token);
                    mine.Add(Stopwatch.GetTimestamp() - start);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    Interlocked.Increment(ref errors);
                }
            }

            return mine;
        }));
        TimeSpan elapsed = watch.Elapsed;
        long[] all = [.. latencies.SelectMany(l => l)];
        Array.Sort(all);
        return new Result(all.Length, elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    private static async Task OneTunnelAsync(IPEndPoint proxy, byte[] connect, byte[] get, byte[] buffer, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(proxy, cancellationToken);
        await socket.SendAsync(connect, cancellationToken);
        int total = 0;
        while (buffer.AsSpan(0, total).IndexOf("\r\n\r\n"u8) < 0)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0 || (total += read) == buffer.Length)
            {
                throw new IOException("CONNECT answer incomplete");
            }
        }

        if (total < 12 || buffer[9] != (byte)'2')
        {
            throw new IOException("CONNECT refused: " + Encoding.ASCII.GetString(buffer, 0, Math.Min(total, 60)));
        }

        await socket.SendAsync(get, cancellationToken);
        while (await socket.ReceiveAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] * 1e6 / Stopwatch.Frequency;
}
