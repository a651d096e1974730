using System.Text;
using System.Text.Json;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.UnitTests.Gateway.Observability;

public sealed class AccessLogWriterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A sink that holds its first write until released, and keeps every line it gets.</summary>
    private sealed class GatedSink : IAccessLogSink
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _text = new();

        public Task Entered => _entered.Task;

        public bool Disposed { get; private set; }

        public string[] Lines => _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public void Release() => _release.TrySetResult();

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
        {
            _text.Append(Encoding.UTF8.GetString(lines.Span));
            _entered.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FailingOnceSink : IAccessLogSink
    {
        private int _calls;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken) =>
            ++_calls == 1 ? ValueTask.FromException(new IOException("disk full")) : ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static AccessLogOptions Options(int capacity = 100) => new() { Enabled = true, QueueCapacity = capacity };

    [Fact]
    public async Task TryWrite_SinkSlow_DropsBeyondQueueAndCountsThem()
    {
        var sink = new GatedSink();
        using var writer = new AccessLogWriter(Options(capacity: 4), sink);
        Task run = writer.RunAsync(CancellationToken.None);

        Assert.True(writer.TryWrite(AccessLogEntries.Http()));
        await sink.Entered.WaitAsync(Timeout); // the reader holds that one line and waits for the slow sink
        bool[] accepted = [.. Enumerable.Range(0, 10).Select(_ => writer.TryWrite(AccessLogEntries.Connect()))];

        Assert.Equal([true, true, true, true, false, false, false, false, false, false], accepted);
        Assert.Equal(6, writer.Dropped);

        sink.Release();
        writer.Complete();
        await run.WaitAsync(Timeout);
        Assert.Equal(5, sink.Lines.Length);
        Assert.Equal(5, writer.Written);
        Assert.Equal(6, writer.Dropped);
        Assert.True(sink.Disposed);
    }

    [Fact]
    public async Task RunAsync_Completed_WritesEveryQueuedEntryAsOneLineEach()
    {
        var sink = new GatedSink();
        sink.Release();
        using var writer = new AccessLogWriter(Options(), sink);
        Assert.True(writer.TryWrite(AccessLogEntries.Http()));
        Assert.True(writer.TryWrite(AccessLogEntries.Connect()));
        Assert.True(writer.TryWrite(AccessLogEntries.Socks5()));

        writer.Complete();
        await writer.RunAsync(CancellationToken.None).WaitAsync(Timeout);

        string[] protocols = [.. sink.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("protocol").GetString()!)];
        Assert.Equal(["http", "connect", "socks5"], protocols);
        Assert.Equal(0, writer.Dropped);
        Assert.False(writer.TryWrite(AccessLogEntries.Http())); // closed
    }

    [Fact]
    public void TryWrite_Disabled_AcceptsNothingAndCountsNothing()
    {
        using var writer = new AccessLogWriter(new AccessLogOptions(), new GatedSink());

        Assert.False(writer.IsEnabled);
        Assert.False(writer.TryWrite(AccessLogEntries.Http()));
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task RunAsync_SinkThrowsIOException_CountsLinesAsDroppedAndGoesOn()
    {
        var sink = new FailingOnceSink();
        using var writer = new AccessLogWriter(Options(), sink);
        writer.TryWrite(AccessLogEntries.Http());
        writer.TryWrite(AccessLogEntries.Http());
        Task run = writer.RunAsync(CancellationToken.None); // the first batch (both lines) fails before this returns

        writer.TryWrite(AccessLogEntries.Socks5());
        writer.Complete();
        await run.WaitAsync(Timeout);

        Assert.Equal(2, writer.Dropped);
        Assert.Equal(1, writer.Written);
    }

    [Fact]
    public async Task RunAsync_ToFile_WritesJsonLines()
    {
        string folder = Directory.CreateTempSubdirectory("accesslog-").FullName;
        try
        {
            string path = Path.Combine(folder, "sub", "access.log");
            using var writer = new AccessLogWriter(Options(), new RotatingFileAccessLogSink(path, 1 << 20, 2));
            writer.TryWrite(AccessLogEntries.Http());
            writer.TryWrite(AccessLogEntries.Socks5());
            writer.Complete();
            await writer.RunAsync(CancellationToken.None).WaitAsync(Timeout);

            string[] lines = await File.ReadAllLinesAsync(path);
            Assert.Equal(2, lines.Length);
            Assert.Equal("socks5", JsonDocument.Parse(lines[1]).RootElement.GetProperty("protocol").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
