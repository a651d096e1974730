using System.Collections.Concurrent;

namespace ProxyRotator.Benchmarks.Soak;

/// <summary>What one minute of soak traffic did: operations by mix, outcomes by kind, latencies of the good traffic.</summary>
internal sealed class SoakRecorder
{
    private readonly object _gate = new();
    private ConcurrentDictionary<string, long> _operations = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private List<double> _latencies = [];

    public void Record(string operation, string? failure, TimeSpan latency, bool measured)
    {
        _operations.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (failure is not null)
        {
            _outcomes.AddOrUpdate($"{operation}:{failure}", 1, (_, n) => n + 1);
        }

        if (measured)
        {
            lock (_gate)
            {
                _latencies.Add(latency.TotalMilliseconds);
            }
        }
    }

    /// <summary>Takes this minute's figures and starts the next minute empty.</summary>
    public (IReadOnlyDictionary<string, long> Operations, IReadOnlyDictionary<string, long> Failures, List<double> Latencies) Swap()
    {
        ConcurrentDictionary<string, long> operations = Interlocked.Exchange(ref _operations, new(StringComparer.Ordinal));
        ConcurrentDictionary<string, long> outcomes = Interlocked.Exchange(ref _outcomes, new(StringComparer.Ordinal));
        List<double> latencies;
        lock (_gate)
        {
            latencies = _latencies;
            _latencies = [];
        }

        latencies.Sort();
        return (operations, outcomes, latencies);
    }
}
