namespace ProxyRotator.Gateway.Relay;

/// <summary>
/// A token that fires after a period without activity, or when the caller's token is cancelled, or when the relay
/// cancels it itself (<see cref="Source"/>): one source per tunnel instead of a timed one and a linked one. Re-arming a
/// timer on every chunk is costly, so <see cref="Touch"/> only re-arms once an eighth of the period has passed since
/// the last re-arm.
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _caller;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly long _rearmEvery;
    private long _lastArmed;

    public IdleWatch(TimeSpan timeout, TimeProvider timeProvider, CancellationToken caller = default)
    {
        _timeout = timeout;
        _timeProvider = timeProvider;
        _cts = new CancellationTokenSource(timeout, timeProvider);
        _caller = caller.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _cts);
        _rearmEvery = (long)(timeout.TotalSeconds / 8 * timeProvider.TimestampFrequency);
        _lastArmed = timeProvider.GetTimestamp();
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>The source behind <see cref="Token"/>, for the relay to end both directions with.</summary>
    public CancellationTokenSource Source => _cts;

    public void Touch()
    {
        long now = _timeProvider.GetTimestamp();
        long last = Volatile.Read(ref _lastArmed);
        if (now - last >= _rearmEvery && Interlocked.CompareExchange(ref _lastArmed, now, last) == last && !_cts.IsCancellationRequested)
        {
            try
            {
                _cts.CancelAfter(_timeout);
            }
            catch (ObjectDisposedException)
            {
                // The tunnel ended meanwhile.
            }
        }
    }

    public void Dispose()
    {
        _caller.Dispose();
        _cts.Dispose();
    }
}
