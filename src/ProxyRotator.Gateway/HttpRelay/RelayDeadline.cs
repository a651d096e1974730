namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// One relayed connection's timer for whatever it waits on (a head, a first response byte, the next body chunk):
/// armed before each wait and disarmed after, on one reusable token source (replaced only after it fired). The gateway
/// stopping cancels it too.
/// </summary>
internal sealed class RelayDeadline : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly CancellationToken _stoppingToken;
    private readonly CancellationTokenRegistration _stopping;
    private CancellationTokenSource _source;

    public RelayDeadline(TimeProvider timeProvider, CancellationToken stopping)
    {
        _timeProvider = timeProvider;
        _stoppingToken = stopping;
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _stopping = stopping.UnsafeRegister(static state => ((RelayDeadline)state!).CancelCurrent(), this);
    }

    /// <summary>The current wait's timer fired (or the gateway is stopping).</summary>
    public bool Expired => Volatile.Read(ref _source).IsCancellationRequested;

    public CancellationToken Arm(TimeSpan after)
    {
        if (_source.IsCancellationRequested)
        {
            _source.Dispose();
            Volatile.Write(ref _source, new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider));
            if (_stoppingToken.IsCancellationRequested)
            {
                _source.Cancel();
            }
        }

        _source.CancelAfter(after);
        return _source.Token;
    }

    public void Disarm() => _source.TryReset();

    public void Dispose()
    {
        _stopping.Dispose();
        _source.Dispose();
    }

    private void CancelCurrent()
    {
        try
        {
            Volatile.Read(ref _source).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Replaced or disposed meanwhile.
        }
    }
}
