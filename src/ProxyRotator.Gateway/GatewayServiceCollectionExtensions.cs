using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Http;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;
using ProxyRotator.Gateway.Socks;
using ProxyRotator.Gateway.Upstreams;

namespace ProxyRotator.Gateway;

/// <summary>Registers the gateway's services; the composition root calls this once.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddProxyRotatorGateway(this IServiceCollection services, ProxyRotatorConfig config)
    {
        services.TryAddSingleton(config);
        services.TryAddSingleton(TimeProvider.System);

        // Health scoring plugs in its own sink; without it outcomes are dropped.
        services.TryAddSingleton<IUpstreamOutcomeSink, DiscardingOutcomeSink>();

        services.AddHttpForwarder();
        services.TryAddSingleton(_ => new ProxyAccountAuthenticator(config));
        services.TryAddSingleton(_ => new TargetPolicy(config));
        services.TryAddSingleton<ITargetNameResolver, DnsTargetNameResolver>();
        services.TryAddSingleton(provider => new UpstreamTargetResolver(
            provider.GetRequiredService<TargetPolicy>(), config, provider.GetRequiredService<ITargetNameResolver>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(_ => new UpstreamSelector());
        services.TryAddSingleton(provider => new UpstreamConnector(config.Gateway, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new UpstreamHttpInvokerCache(config.Gateway, provider.GetRequiredService<TimeProvider>()));

        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton(provider => new GatewayConnectionLimiter(config.Gateway.MaxConnections, provider.GetRequiredService<GatewayMetrics>()));
        services.TryAddSingleton<GatewayListenerRegistry>();
        services.TryAddSingleton(provider => new AuthenticationThrottle(config.Gateway, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ClientAdmission>();
        services.TryAddSingleton<SessionBindingGate>();
        services.TryAddSingleton<UpstreamRouter>();
        services.TryAddSingleton<AttemptPipeline>();
        services.TryAddSingleton<TunnelDialer>();
        services.TryAddSingleton<TunnelRelay>();
        services.TryAddSingleton<ConnectTunnelHandler>();
        services.TryAddSingleton<Socks5ConnectionHandler>();
        services.AddHostedService<ListenerLoopGuard>();
        return services;
    }
}
