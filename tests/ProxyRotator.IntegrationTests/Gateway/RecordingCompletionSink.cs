using System.Collections.Concurrent;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>Keeps every request summary the pipeline reports; tests wait for the ones they expect.</summary>
public sealed class RecordingCompletionSink : IRequestCompletionSink, IDisposable
{
    private readonly ConcurrentQueue<RequestSummary> _summaries = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<RequestSummary> Summaries => [.. _summaries];

    public void OnCompleted(in RequestSummary summary)
    {
        _summaries.Enqueue(summary);
        _arrived.Release();
    }

    public void Dispose() => _arrived.Dispose();

    /// <summary>
    /// The summaries matching <paramref name="match"/> once there are at least <paramref name="count"/> of them: a
    /// request completes when its connection's relay ends, which may be just after the client has its answer.
    /// </summary>
    public async Task<RequestSummary[]> WaitForAsync(Func<RequestSummary, bool> match, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            RequestSummary[] found = [.. _summaries.Where(match)];
            if (found.Length >= count)
            {
                return found;
            }

            await _arrived.WaitAsync(timeout.Token);
        }
    }
}
