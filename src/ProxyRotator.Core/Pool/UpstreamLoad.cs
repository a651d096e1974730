namespace ProxyRotator.Core.Pool;

/// <summary>
/// Live, lock-free counters for one upstream. Shared by every snapshot that contains the upstream so that a
/// rebuild of the snapshot does not forget what is in flight.
/// </summary>
public sealed class UpstreamLoad
{
    private int _inFlight;
    private long _requests;
    private long _failures;

    public int InFlight => Volatile.Read(ref _inFlight);
    public long Requests => Interlocked.Read(ref _requests);
    public long Failures => Interlocked.Read(ref _failures);

    public void Enter()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _requests);
    }

    public void Exit(bool failed)
    {
        Interlocked.Decrement(ref _inFlight);
        if (failed)
        {
            Interlocked.Increment(ref _failures);
        }
    }
}
