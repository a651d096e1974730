using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace ProxyRotator.AdminClient;

/// <summary>Builds the source-generated Refit client for one admin URL and key.</summary>
internal static class AdminApiClientFactory
{
    public static (IAdminApi Api, ServiceProvider Owner) Create(Uri adminUrl, string apiKey, TimeSpan timeout)
    {
        var services = new ServiceCollection();
        services.AddRefitGeneratedClient<IAdminApi>(new RefitSettings())
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = adminUrl;
                client.Timeout = timeout;
            })
            .AddHttpMessageHandler(() => new AdminApiKeyHandler(apiKey));
        ServiceProvider provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IAdminApi>(), provider);
    }
}
