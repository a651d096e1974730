using Microsoft.Extensions.Hosting;

namespace ProxyRotator.Gateway.Observability;

/// <summary>
/// Runs <see cref="AccessLogWriter.RunAsync"/> for the host's lifetime. On stop it closes the queue and waits for
/// the lines already queued; if the host's shutdown timeout fires first the rest is abandoned.
/// </summary>
public sealed class AccessLogHostedService(AccessLogWriter writer) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private Task _run = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _run = Task.Run(() => writer.RunAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        writer.Complete();
        try
        {
            await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _abort.Dispose();
}
