using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Hosting;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// The whole product (<see cref="ProxyRotatorApp"/>, as <c>serve</c> runs it) in-process on free ports over a
/// real SQLite file: migrations, config sync, gateway and admin listeners, background services. Dispose and
/// start again over the same file to test restarts.
/// </summary>
public sealed class ProductHost : IAsyncDisposable
{
    private ProductHost(ProxyRotatorApp app) => App = app;

    public ProxyRotatorApp App { get; }

    public ProxyRotatorConfig Config => App.Config;

    public IServiceProvider Services => App.Services;

    /// <summary>The bound gateway endpoint (the real port when the config said port 0).</summary>
    public IPEndPoint GatewayEndpoint => Services.GetRequiredService<GatewayListenerRegistry>().BoundEndpoints[0];

    /// <summary>The admin listener's base address.</summary>
    public Uri AdminUri => App.AdminUri;

    public static async Task<ProductHost> StartAsync(ProxyRotatorConfig config, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        ProxyRotatorApp app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions
        {
            MinimumLogLevel = LogLevel.Warning,
            ConfigureBuilder = builder => configureServices?.Invoke(builder.Services),
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new ProductHost(app);
    }

    /// <summary>A proxy URL for curl/HttpClient with the given username (targeting) and the account's password.</summary>
    public string ProxyUrl(string username, string? password = null, string scheme = "http") =>
        $"{scheme}://{Uri.EscapeDataString(username)}:{Uri.EscapeDataString(password ?? Config.Users[0].Password)}@{GatewayEndpoint.Address}:{GatewayEndpoint.Port}";

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
