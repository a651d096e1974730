using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Store.Cluster;

/// <summary>
/// <see cref="IClusterChangeFeed"/> over PostgreSQL. Sending: queued changes are written in batches to the
/// <c>ClusterChanges</c> log with a <c>NOTIFY</c> in the same transaction (delivered only if it commits). Receiving:
/// a dedicated connection <c>LISTEN</c>s; on a notification, and at the latest every <see cref="PollInterval"/> (the
/// fallback for a lost notification or a broken connection), the log is read past the last entry seen and the
/// other instances' entries go to every <see cref="IClusterChangeHandler"/>. The connection is reopened after a
/// failure (<see cref="ClusterMetrics.FeedReconnects"/>) and the log read again at once, so nothing logged
/// meanwhile is lost.
/// </summary>
/// <remarks>
/// Log ids come from a sequence, so a transaction that commits late can make an id appear below one already read:
/// each read therefore starts <see cref="ReadBackWindow"/> ids below the highest seen and skips ids it has handled.
/// </remarks>
public sealed partial class PostgresClusterChangeFeed : BackgroundService, IClusterChangeFeed
{
    /// <summary>The <c>NOTIFY</c> channel.</summary>
    public const string Channel = "proxyrotator_changes";

    /// <summary>Longest time between two reads of the log when no notification arrives.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>Log entries older than this are deleted (an instance that was away longer rebuilds from the store anyway).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    /// <summary>How far below the highest id seen each read starts (late commits).</summary>
    public const int ReadBackWindow = 256;

    private const int MaxBatch = 500;
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IServiceProvider _services;
    private readonly ClusterInstance _instance;
    private readonly ClusterMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresClusterChangeFeed> _logger;
    private readonly Channel<ClusterChange> _outgoing = System.Threading.Channels.Channel.CreateBounded<ClusterChange>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly HashSet<long> _handled = [];
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _highestSeen = -1;
    private int _notified;
    private IClusterChangeHandler[]? _handlers;

    public PostgresClusterChangeFeed(
        StoreDatabase database, IServiceProvider services, ClusterInstance instance, ClusterMetrics metrics, TimeProvider time,
        ILogger<PostgresClusterChangeFeed> logger)
    {
        _dataSource = new NpgsqlDataSourceBuilder(database.ConnectionString).Build();
        _services = services;
        _instance = instance;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Completes once the feed listens (tests wait for it before they publish).</summary>
    public Task Listening => _listening.Task;

    public void Publish(in ClusterChange change) => _outgoing.Writer.TryWrite(change);

    public override void Dispose()
    {
        base.Dispose();
        _dataSource.Dispose();
    }

    /// <summary>
    /// Notes where the log ends before the host goes on to build the first pool snapshot (this service is registered
    /// before the snapshot refresher, and hosted services start in order): every change logged after that point is
    /// read and applied, even one logged before the listening connection is open, so nothing falls between the
    /// snapshot and the feed. If the database does not answer yet, the first read of the log notes it instead.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using NpgsqlCommand start = _dataSource.CreateCommand("""SELECT COALESCE(MAX("Id"), 0) FROM "ClusterChanges" """);
            _highestSeen = (long)(await start.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            LogListenFailed(_logger, ex);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Changes made while stopping (a last write-behind) still reach the others.
            await SendQueuedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            LogSendFailed(_logger, ex);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SendLoopAsync(stoppingToken), ListenLoopAsync(stoppingToken));

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        long nextTrim = 0;
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await SendQueuedAsync(stoppingToken).ConfigureAwait(false);
                    if (_time.GetTimestamp() >= nextTrim)
                    {
                        await TrimAsync(stoppingToken).ConfigureAwait(false);
                        nextTrim = _time.GetTimestamp() + (_time.TimestampFrequency * 60);
                    }
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    LogSendFailed(_logger, ex);
                    await Task.Delay(ReconnectDelay, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: StopAsync sends what is left
        }
    }

    private readonly List<ClusterChange> _sending = [];

    /// <summary>Writes queued changes and notifies, one transaction per batch; a failed batch is kept for the next try.</summary>
    private async Task SendQueuedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            while (_sending.Count < MaxBatch && _outgoing.Reader.TryRead(out ClusterChange change))
            {
                _sending.Add(change);
            }

            if (_sending.Count == 0)
            {
                return;
            }

            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                long now = _time.GetUtcNow().UtcTicks;
                foreach (ClusterChange change in _sending)
                {
                    var insert = new NpgsqlBatchCommand(
                        """INSERT INTO "ClusterChanges" ("InstanceId", "Kind", "UpstreamId", "Status", "Detail", "CreatedAt") VALUES ($1, $2, $3, $4, $5, $6)""");
                    insert.Parameters.Add(new NpgsqlParameter { Value = _instance.Id });
                    insert.Parameters.Add(new NpgsqlParameter { Value = change.Kind.ToString() });
                    insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)change.UpstreamId ?? DBNull.Value });
                    insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = (object?)change.Status?.ToString() ?? DBNull.Value });
                    insert.Parameters.Add(new NpgsqlParameter
                    {
                        NpgsqlDbType = NpgsqlDbType.Varchar,
                        Value = change.Detail is { } detail ? detail[..Math.Min(detail.Length, ClusterChange.MaxDetailLength)] : DBNull.Value,
                    });
                    insert.Parameters.Add(new NpgsqlParameter { Value = now });
                    batch.BatchCommands.Add(insert);
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {Channel}"));
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _metrics.RecordChangesPublished(_sending.Count);
            _sending.Clear();
        }
    }

    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = _dataSource.CreateCommand("""DELETE FROM "ClusterChanges" WHERE "CreatedAt" < $1""");
        command.Parameters.Add(new NpgsqlParameter { Value = (_time.GetUtcNow() - Retention).UtcTicks });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ListenLoopAsync(CancellationToken stoppingToken)
    {
        bool first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, _) => Volatile.Write(ref _notified, 1);
                await using (NpgsqlCommand listen = new($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                if (!first)
                {
                    _metrics.RecordFeedReconnect();
                    LogReconnected(_logger);
                }

                first = false;
                _listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    Volatile.Write(ref _notified, 0);
                    await ReadLogAsync(connection, stoppingToken).ConfigureAwait(false);
                    if (Volatile.Read(ref _notified) == 0)
                    {
                        await connection.WaitAsync(PollInterval, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException or System.IO.IOException)
            {
                LogListenFailed(_logger, ex);
                try
                {
                    await Task.Delay(ReconnectDelay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reads the log past what was handled and dispatches the other instances' entries, in id order.</summary>
    private async Task ReadLogAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_highestSeen < 0)
        {
            // Start without a starting point (StartAsync could not read one): the snapshot reflects what is logged so far.
            await using NpgsqlCommand start = new("""SELECT COALESCE(MAX("Id"), 0) FROM "ClusterChanges" """, connection);
            _highestSeen = (long)(await start.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return;
        }

        long floor = Math.Max(0, _highestSeen - ReadBackWindow);
        var received = new List<ClusterChange>();
        await using (NpgsqlCommand read = new(
            """SELECT "Id", "InstanceId", "Kind", "UpstreamId", "Status", "Detail" FROM "ClusterChanges" WHERE "Id" > $1 ORDER BY "Id" """, connection))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = floor });
            await using NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                long id = reader.GetInt64(0);
                if (!_handled.Add(id))
                {
                    continue;
                }

                _highestSeen = Math.Max(_highestSeen, id);
                if (reader.GetString(1) == _instance.Id || !Enum.TryParse(reader.GetString(2), out ClusterChangeKind kind))
                {
                    continue;
                }

                received.Add(new ClusterChange(
                    kind,
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.IsDBNull(4) || !Enum.TryParse(reader.GetString(4), out UpstreamStatus status) ? null : status,
                    reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        _handled.RemoveWhere(id => id <= _highestSeen - ReadBackWindow);
        if (received.Count == 0)
        {
            return;
        }

        for (int i = 0; i < received.Count; i++)
        {
            _metrics.RecordChangeReceived();
        }

        await DispatchAsync(received, cancellationToken).ConfigureAwait(false);
    }

    private async Task DispatchAsync(List<ClusterChange> changes, CancellationToken cancellationToken)
    {
        _handlers ??= [.. _services.GetServices<IClusterChangeHandler>()];
        foreach (IClusterChangeHandler handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(changes, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogHandlerFailed(_logger, handler.GetType().Name, ex);
            }
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Cluster changes could not be sent yet; retrying")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Cluster change feed lost its listening connection; reconnecting (the change log is polled meanwhile)")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Cluster change feed listening again")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Applying cluster changes failed in {Handler}")]
    private static partial void LogHandlerFailed(ILogger logger, string handler, Exception exception);
}
