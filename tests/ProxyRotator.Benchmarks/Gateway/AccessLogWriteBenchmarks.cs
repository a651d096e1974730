using System.Net;
using BenchmarkDotNet.Attributes;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.Benchmarks.Gateway;

/// <summary>
/// The access log's cost on the request path (<see cref="AccessLogWriter.TryWrite"/>: off, queued with a
/// background reader draining into <see cref="Stream.Null"/>, dropped because the queue is full) and off it
/// (serialising one line). Every case should allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class AccessLogWriteBenchmarks : IDisposable
{
    private static readonly AccessLogEntry Entry = new()
    {
        Time = DateTimeOffset.UnixEpoch,
        Protocol = AccessLogProtocol.Http,
        ClientAddress = IPAddress.Parse("192.0.2.10"),
        Account = "scraper",
        Targeting = "type-residential-country-de-session-acct42",
        TargetHost = "www.example.com",
        TargetPort = 443,
        UrlPathAndQuery = "/search?q=benchmark",
        UpstreamId = 1234,
        UpstreamKind = "residential",
        ExitIp = "203.0.113.5",
        Status = 200,
        BytesUp = 512,
        BytesDown = 48_000,
        Duration = TimeSpan.FromMilliseconds(87.25),
        Attempts = 1,
        SessionId = "acct42",
    };

    private AccessLogWriter _off = null!;
    private AccessLogWriter _on = null!;
    private AccessLogWriter _full = null!;
    private AccessLogLineWriter _lines = null!;
    private AccessLogLineWriter _hashedLines = null!;
    private Task _reader = Task.CompletedTask;

    [GlobalSetup]
    public void Setup()
    {
        _off = new AccessLogWriter(new AccessLogOptions(), sink: null);
        _on = new AccessLogWriter(new AccessLogOptions { Enabled = true, QueueCapacity = 1 << 16 }, new StreamAccessLogSink(Stream.Null, ownsStream: false));
        _reader = _on.RunAsync(CancellationToken.None);
        _full = new AccessLogWriter(new AccessLogOptions { Enabled = true, QueueCapacity = 1 }, new StreamAccessLogSink(Stream.Null, ownsStream: false));
        _full.TryWrite(Entry); // never read: every further write is a drop
        _lines = new AccessLogLineWriter(includeUrlPath: false, hasher: null);
        _hashedLines = new AccessLogLineWriter(includeUrlPath: true, new TargetHostHasher("0123456789abcdef-benchmark"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _on.Complete();
        _reader.GetAwaiter().GetResult();
        Console.WriteLine($"// queued run: written {_on.Written}, dropped {_on.Dropped}");
        Dispose();
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _off.Dispose();
        _on.Dispose();
        _full.Dispose();
        _lines.Dispose();
        _hashedLines.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool TryWrite_Off() => _off.TryWrite(Entry);

    [Benchmark]
    public bool TryWrite_Queued() => _on.TryWrite(Entry);

    [Benchmark]
    public bool TryWrite_QueueFull() => _full.TryWrite(Entry);

    [Benchmark]
    public int FormatLine()
    {
        _lines.Clear();
        _lines.Append(Entry);
        return _lines.Written.Length;
    }

    [Benchmark]
    public int FormatLine_HashedHostWithPath()
    {
        _hashedLines.Clear();
        _hashedLines.Append(Entry);
        return _hashedLines.Written.Length;
    }
}
