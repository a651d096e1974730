using Microsoft.Extensions.DependencyInjection;

namespace ProxyRotator.Providers.Api;

/// <summary>Resolves the keyed Refit client registered for each provider by <c>AddProxyRotatorProviders</c>.</summary>
internal sealed class KeyedProviderApiFactory(IServiceProvider services) : IProviderApiFactory
{
    public IProviderApi Create(ProviderKey key) => services.GetRequiredKeyedService<IProviderApi>(key.ToString());
}
