using Microsoft.Extensions.Hosting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// Once Kestrel has bound the gateway listeners (real ports, also for port 0), tells the target policy about
/// them so a client can never point the gateway at itself.
/// </summary>
internal sealed class ListenerLoopGuard(IHostApplicationLifetime lifetime, GatewayListenerRegistry registry, TargetPolicy policy) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (System.Net.IPEndPoint endpoint in registry.BoundEndpoints)
            {
                policy.RegisterListenEndpoint(endpoint);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
