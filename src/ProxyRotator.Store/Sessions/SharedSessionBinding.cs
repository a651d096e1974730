using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Cluster;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Sessions;

namespace ProxyRotator.Store.Sessions;

/// <summary>
/// <see cref="ISharedSessionBinding"/> over PostgreSQL: one statement batch per call (bind = insert unless bound,
/// then read back the binding that holds; find = read), bounded by <see cref="SessionOptions.SharedTimeout"/>. The
/// result goes into <see cref="StoreSessionStore"/>'s memory without a write-behind. When the database does not
/// answer in time, or fails, the caller is answered from memory at once (a bind is saved locally and written behind,
/// a find reports "not found"), the query is left to finish on its own, and for <see cref="DegradedPause"/> later
/// calls do not ask the database at all, so a stalled database costs one timeout, not one per request.
/// </summary>
public sealed partial class SharedSessionBinding : ISharedSessionBinding
{
    /// <summary>How long a "not found" answer is remembered per session key.</summary>
    public static readonly TimeSpan NotFoundMemory = TimeSpan.FromSeconds(2);

    /// <summary>How long after a timeout or failure requests go straight to memory.</summary>
    public static readonly TimeSpan DegradedPause = TimeSpan.FromSeconds(1);

    /// <summary>Bound on remembered "not found" keys; past it the memory starts over (it is only an optimisation).</summary>
    public const int NotFoundCapacity = 100_000;

    private readonly IDbContextFactory<ProxyRotatorDbContext> _contextFactory;
    private readonly StoreSessionStore _sessions;
    private readonly ClusterMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SharedSessionBinding> _logger;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentDictionary<string, long> _notFoundUntil = new(StringComparer.Ordinal);
    private StickySessionWrites? _writes;
    private long _degradedUntil;

    public SharedSessionBinding(
        IDbContextFactory<ProxyRotatorDbContext> contextFactory,
        StoreSessionStore sessions,
        SessionOptions options,
        ClusterMetrics metrics,
        TimeProvider time,
        ILogger<SharedSessionBinding> logger)
    {
        _contextFactory = contextFactory;
        _sessions = sessions;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _timeout = options.SharedTimeout > TimeSpan.Zero ? options.SharedTimeout : SessionOptions.DefaultSharedTimeout;
    }

    public async ValueTask<StickySession?> FindAsync(string account, string sessionId, CancellationToken cancellationToken)
    {
        string key = StickySessionKey.Of(account, sessionId);
        long now = _time.GetTimestamp();
        if (_notFoundUntil.TryGetValue(key, out long until) && now < until)
        {
            _metrics.RecordSessionLookupSkipped();
            return null;
        }

        if (IsDegraded(now))
        {
            _metrics.RecordSessionStoreDegraded();
            return null;
        }

        StickySession? found;
        try
        {
            found = await RunBoundedAsync(
                (db, writes) => writes.CreateFind(db, account, sessionId), account, sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or DbException or InvalidOperationException)
        {
            Degrade("look-up", ex);
            return null;
        }

        if (found is null || found.IsExpired(_time.GetUtcNow()))
        {
            _metrics.RecordSessionLookup(found: false);
            RememberNotFound(key);
            return null;
        }

        _metrics.RecordSessionLookup(found: true);
        _sessions.Adopt(found);
        return found;
    }

    public async ValueTask<StickySession> BindAsync(StickySession proposed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        if (IsDegraded(_time.GetTimestamp()))
        {
            return await BindLocallyAsync(proposed, cancellationToken).ConfigureAwait(false);
        }

        StickySession? held;
        try
        {
            held = await RunBoundedAsync(
                (db, writes) => writes.CreateBind(db, proposed), proposed.Account, proposed.SessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or DbException or InvalidOperationException)
        {
            Degrade("bind", ex);
            return await BindLocallyAsync(proposed, cancellationToken).ConfigureAwait(false);
        }

        if (held is null)
        {
            // Ended by another instance between our statements: ours is as good a binding as any, store it behind.
            return await BindLocallyAsync(proposed, cancellationToken).ConfigureAwait(false);
        }

        _notFoundUntil.TryRemove(proposed.Key, out _);
        bool lost = held.UpstreamId != proposed.UpstreamId || held.CreatedAt != proposed.CreatedAt;
        _metrics.RecordSessionBind(lost);
        _sessions.Adopt(held);
        return held;
    }

    private async ValueTask<StickySession> BindLocallyAsync(StickySession proposed, CancellationToken cancellationToken)
    {
        _metrics.RecordSessionStoreDegraded();
        await _sessions.SaveAsync(proposed, cancellationToken).ConfigureAwait(false);
        return proposed;
    }

    /// <summary>
    /// Runs one command, waiting at most the timeout: the command gets a token that cancels at the timeout too, and
    /// if it does not give up in time itself (a dead server), the caller stops waiting while it finishes alone.
    /// </summary>
    private async Task<StickySession?> RunBoundedAsync(
        Func<ProxyRotatorDbContext, StickySessionWrites, DbCommand> create, string account, string sessionId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        Task<StickySession?> query = QueryAsync(create, account, sessionId, timeout.Token);
        try
        {
            return await query.WaitAsync(_timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {_timeout.TotalMilliseconds:0} ms");
        }
        finally
        {
            if (!query.IsCompleted)
            {
                _ = query.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    private async Task<StickySession?> QueryAsync(
        Func<ProxyRotatorDbContext, StickySessionWrites, DbCommand> create, string account, string sessionId, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await _contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            StickySessionWrites writes = _writes ??= StickySessionWrites.Create(db);
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            DbCommand command = create(db, writes);
            await using (command.ConfigureAwait(false))
            {
                return await writes.ReadSessionAsync(command, account, sessionId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private bool IsDegraded(long now) => now < Interlocked.Read(ref _degradedUntil);

    private void Degrade(string operation, Exception exception)
    {
        long pauseTicks = (long)(DegradedPause.TotalSeconds * _time.TimestampFrequency);
        Interlocked.Exchange(ref _degradedUntil, _time.GetTimestamp() + pauseTicks);
        LogDegraded(_logger, operation, _timeout.TotalMilliseconds, DegradedPause.TotalSeconds, exception.Message);
    }

    private void RememberNotFound(string key)
    {
        if (_notFoundUntil.Count >= NotFoundCapacity)
        {
            _notFoundUntil.Clear();
        }

        _notFoundUntil[key] = _time.GetTimestamp() + (long)(NotFoundMemory.TotalSeconds * _time.TimestampFrequency);
    }

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Shared session {Operation} got no answer from the database within {TimeoutMs} ms ({Reason}); serving sticky sessions from memory and writing behind for the next {PauseSeconds} s")]
    private static partial void LogDegraded(ILogger logger, string operation, double timeoutMs, double pauseSeconds, string reason);
}
