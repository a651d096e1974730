using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// The access log. The request path calls <see cref="TryWrite"/> once per request or tunnel: the entry goes into
/// a bounded queue and the call returns at once; when the queue is full the entry is dropped and counted in
/// <see cref="Dropped"/> (the gateway never waits for a disk). One background reader (<see cref="RunAsync"/>,
/// started by <see cref="AccessLogHostedService"/>) turns queued entries into JSON lines and hands them to the
/// sink in batches.
/// </summary>
public sealed partial class AccessLogWriter : IDisposable
{
    /// <summary>Entries serialised per sink write at most: bounds the buffer and the lines lost to one failed write.</summary>
    internal const int MaxBatch = 512;

    private readonly Channel<AccessLogEntry>? _queue;
    private readonly AccessLogLineWriter _lines;
    private readonly IAccessLogSink? _sink;
    private readonly ILogger _logger;
    private long _dropped;
    private long _written;

    /// <summary>A writer for <paramref name="options"/>; with <c>Enabled = false</c> it accepts nothing and costs nothing.</summary>
    public AccessLogWriter(AccessLogOptions options, IAccessLogSink? sink, ILogger<AccessLogWriter>? logger = null)
    {
        _logger = logger ?? NullLogger<AccessLogWriter>.Instance;
        _lines = new AccessLogLineWriter(options.IncludeUrlPath, options.HashTargets && options.HashKey is { Length: > 0 } key ? new TargetHostHasher(key) : null);
        if (!options.Enabled || sink is null)
        {
            return;
        }

        _sink = sink;
        _queue = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then answers false instead of waiting: we count a drop
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>False when the access log is off: callers can skip building the entry.</summary>
    public bool IsEnabled => _queue is not null;

    /// <summary>Entries dropped because the queue was full or the sink failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Entries handed to the sink.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Queues <paramref name="entry"/>; never blocks. False when the log is off, closed or full (then counted as dropped).</summary>
    public bool TryWrite(in AccessLogEntry entry)
    {
        if (_queue is null)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(entry))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>No more entries: <see cref="RunAsync"/> writes what is queued and returns.</summary>
    public void Complete() => _queue?.Writer.TryComplete();

    /// <summary>
    /// The background reader: runs until <see cref="Complete"/> has been called and the queue is empty, or until
    /// <paramref name="abort"/> fires (then what is still queued is lost). Disposes the sink at the end.
    /// </summary>
    public async Task RunAsync(CancellationToken abort)
    {
        if (_queue is null)
        {
            return;
        }

        ChannelReader<AccessLogEntry> reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(abort).ConfigureAwait(false))
            {
                int count = 0;
                _lines.Clear();
                while (count < MaxBatch && reader.TryRead(out AccessLogEntry entry))
                {
                    _lines.Append(entry);
                    count++;
                }

                await WriteBatchAsync(count, abort).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown did not wait for the queue to drain.
        }
        finally
        {
            await _sink!.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Releases the line buffer; call after <see cref="RunAsync"/> has returned (the host stops it first).</summary>
    public void Dispose() => _lines.Dispose();

    private async Task WriteBatchAsync(int count, CancellationToken abort)
    {
        try
        {
            await _sink!.WriteAsync(_lines.Written, abort).ConfigureAwait(false);
            Interlocked.Add(ref _written, count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk or a removed folder must not stop the gateway: the lines are lost and counted.
            Interlocked.Add(ref _dropped, count);
            LogWriteFailed(_logger, count, ex);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Access log: {Count} lines lost, the sink failed")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}
