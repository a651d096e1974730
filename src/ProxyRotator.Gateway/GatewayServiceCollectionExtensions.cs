using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Accounts;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Http;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Gateway.Observability;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Policy;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Routing;
using ProxyRotator.Gateway.Security;
using ProxyRotator.Gateway.Socks;
using Yarp.ReverseProxy.Forwarder;

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
        services.TryAddSingleton(provider => new UsageLedger(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider =>
        {
            // The configured users until the store publishes its accounts (which include them) at start-up.
            var directory = new AccountDirectory(provider.GetRequiredService<UsageLedger>());
            directory.Publish(ProxyAccountAuthenticator.DefinitionsOf(config.Users));
            return directory;
        });
        services.TryAddSingleton(provider => new ProxyAccountAuthenticator(
            provider.GetRequiredService<AccountDirectory>(), config.Sessions, config.Pools.Select(pool => pool.Name)));
        services.TryAddSingleton<AccountUsageRecorder>();
        services.TryAddSingleton(_ => new TargetPolicy(config));
        services.TryAddSingleton<ITargetNameResolver, DnsTargetNameResolver>();
        services.TryAddSingleton(provider => new UpstreamTargetResolver(
            provider.GetRequiredService<TargetPolicy>(), config, provider.GetRequiredService<ITargetNameResolver>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(_ => new UpstreamSelector());
        services.TryAddSingleton(provider => new UpstreamConnector(config.Gateway, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new UpstreamHttpInvokerCache(
            config.Gateway, provider.GetRequiredService<TimeProvider>(), connector: provider.GetRequiredService<UpstreamConnector>()));

        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<SpendMeter>();
        services.TryAddSingleton(provider => new GatewayConnectionLimiter(config.Gateway.MaxConnections, provider.GetRequiredService<GatewayMetrics>()));
        services.TryAddSingleton<GatewayListenerRegistry>();

        // The gateway's own transport for its endpoints (CONNECT and SOCKS5 relayed socket to socket, the rest handed
        // to Kestrel). Added, not tried: Kestrel asks the last registered transport first.
        services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory, GatewaySocketTransportFactory>();
        if (config.Gateway.Tls is { } tls)
        {
            services.TryAddSingleton(provider => new GatewayCertificateSource(tls, provider.GetRequiredService<ILogger<GatewayCertificateSource>>()));
        }

        services.TryAddSingleton(provider => new AuthenticationThrottle(config.Gateway, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ClientAdmission>();
        services.TryAddSingleton<SessionBindingGate>();
        services.TryAddSingleton<UpstreamRouter>();
        services.TryAddSingleton(provider => new BackconnectCredentialWriter(provider.GetRequiredService<ProxyRotatorConfig>()));

        // Account limits run first among the stages (before the policy's): a refused request costs nothing further.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRequestStage, AccountLimitStage>());
        AddPolicy(services, config);
        AddRequestPipeline(services);
        services.TryAddSingleton<TunnelRelay>();
        services.TryAddSingleton<ConnectTunnelHandler>();
        services.TryAddSingleton<Socks5ConnectionHandler>();
        services.TryAddSingleton<Udp.Socks5UdpRelay>();
        services.TryAddSingleton<Udp.Socks5UdpAssociateHandler>();
        services.AddHostedService<ListenerLoopGuard>();
        return services;
    }

    /// <summary>
    /// Outbound rules, ban avoidance and exclusive exits (issue 13 §4-6): two request stages and the state they share.
    /// Accounts' own rules come from the <see cref="AccountDirectory"/> (<see cref="AccountOutboundRulesSource"/>).
    /// </summary>
    private static void AddPolicy(IServiceCollection services, ProxyRotatorConfig config)
    {
        services.TryAddSingleton<IOutboundRulesSource>(provider => new AccountOutboundRulesSource(
            provider.GetRequiredService<AccountDirectory>(), new ConfigOutboundRulesSource(config)));
        services.TryAddSingleton(provider => new SiteBanList(config.Policy.Bans, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new ExclusiveExitLedger(config, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new BanDetector(
            config.Policy.Bans, provider.GetRequiredService<SiteBanList>(), provider.GetRequiredService<ILogger<BanDetector>>()));
        services.AddSingleton<IRequestStage>(provider => new OutboundRuleStage(
            config, provider.GetRequiredService<IOutboundRulesSource>(), provider.GetRequiredService<ILogger<OutboundRuleStage>>()));
        services.AddSingleton<IRequestStage>(provider => new SiteAvoidanceStage(
            provider.GetRequiredService<SiteBanList>(),
            provider.GetRequiredService<ExclusiveExitLedger>(),
            provider.GetRequiredService<IOutboundRulesSource>(),
            provider.GetRequiredService<IPoolSnapshotSource>(),
            provider.GetRequiredService<Core.Sessions.ISessionStore>(),
            provider.GetRequiredService<ILogger<SiteAvoidanceStage>>()));
    }

    /// <summary>
    /// The request pipeline and its stages. Features add an <see cref="IRequestStage"/> (runs for every protocol, in
    /// registration order) or replace the <see cref="IRequestCompletionSink"/> (access log, traces).
    /// </summary>
    private static void AddRequestPipeline(IServiceCollection services)
    {
        services.TryAddSingleton<IRequestCompletionSink, NoRequestCompletionSink>();
        services.TryAddSingleton(provider => new TargetFailureMemory(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new FailoverLoop(
            provider.GetRequiredService<UpstreamRouter>(),
            provider.GetRequiredService<TargetFailureMemory>(),
            provider.GetRequiredService<UpstreamTargetResolver>(),
            provider.GetRequiredService<IUpstreamOutcomeSink>(),
            provider.GetRequiredService<ProxyRotatorConfig>(),
            provider.GetRequiredService<ILogger<FailoverLoop>>(),
            provider.GetService<GatewayTracing>(),
            provider.GetRequiredService<BackconnectCredentialWriter>()));
        services.TryAddSingleton(provider => new TunnelExchange(
            provider.GetRequiredService<UpstreamConnector>().WithInlineCompletions(),
            provider.GetRequiredService<UpstreamRouter>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new ForwardExchange(
            provider.GetRequiredService<IHttpForwarder>(),
            provider.GetRequiredService<UpstreamHttpInvokerCache>(),
            provider.GetRequiredService<UpstreamRouter>(),
            provider.GetRequiredService<UpstreamSelector>(),
            provider.GetRequiredService<IPoolSnapshotSource>(),
            provider.GetRequiredService<FailoverLoop>(),
            provider.GetRequiredService<ProxyRotatorConfig>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<BanDetector>()));
        services.TryAddSingleton(provider => new HttpRelay.UpstreamHttpConnectionPool(
            provider.GetRequiredService<ProxyRotatorConfig>().Gateway, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new HttpRelay.HttpRelayExchange(
            provider.GetRequiredService<HttpRelay.UpstreamHttpConnectionPool>(),
            provider.GetRequiredService<UpstreamConnector>().WithInlineCompletions(),
            provider.GetRequiredService<ForwardExchange>(),
            provider.GetRequiredService<ProxyRotatorConfig>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<BanDetector>()));
        services.TryAddSingleton<HttpRelay.HttpRelayHandler>();
        services.TryAddSingleton(provider => new RequestPipeline(
            provider.GetRequiredService<ClientAdmission>(),
            provider.GetRequiredService<TargetPolicy>(),
            provider.GetServices<IRequestStage>(),
            provider.GetRequiredService<UpstreamRouter>(),
            provider.GetRequiredService<FailoverLoop>(),
            provider.GetRequiredService<ForwardExchange>(),
            provider.GetRequiredService<TunnelExchange>(),
            provider.GetRequiredService<IUpstreamOutcomeSink>(),
            provider.GetRequiredService<GatewayMetrics>(),
            provider.GetRequiredService<IRequestCompletionSink>(),
            provider.GetService<GatewayTracing>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RequestPipeline>>(),
            provider.GetRequiredService<AccountUsageRecorder>(),
            provider.GetRequiredService<SpendMeter>(),
            provider.GetRequiredService<HttpRelay.HttpRelayExchange>()));
    }
}
