using Microsoft.Extensions.Hosting;

namespace ProxyRotator.Store.Sessions;

/// <summary>Loads stored sticky sessions into memory when the host starts, before the gateway takes traffic.</summary>
public sealed class SessionCacheWarmup(StoreSessionStore sessions) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => sessions.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
