using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway;
using ProxyRotator.Gateway.Listening;
using ProxyRotator.Store;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>
/// The whole product running in-process on free ports over a real SQLite file, as <c>serve</c> runs it:
/// migrations, config sync, gateway listeners. Stop and start it again over the same file to test restarts.
/// </summary>
public sealed class ProductHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProductHost(WebApplication app, ProxyRotatorConfig config)
    {
        _app = app;
        Config = config;
    }

    public ProxyRotatorConfig Config { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The bound gateway endpoint (the real port when the config said port 0).</summary>
    public IPEndPoint GatewayEndpoint => Services.GetRequiredService<GatewayListenerRegistry>().BoundEndpoints[0];

    public static async Task<ProductHost> StartAsync(ProxyRotatorConfig config, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddProxyRotatorStore(config);
        builder.Services.AddProxyRotatorGateway(config);
        configureServices?.Invoke(builder.Services);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGateway(config));
        WebApplication app = builder.Build();
        app.UseProxyRotatorGateway();
        app.Run(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });

        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await app.Services.GetRequiredService<PoolSynchronizer>().SyncConfigAsync(config, cancellationToken);
        await app.StartAsync(cancellationToken);
        return new ProductHost(app, config);
    }

    /// <summary>A proxy URL for curl/HttpClient with the given username (targeting) and the account's password.</summary>
    public string ProxyUrl(string username, string? password = null, string scheme = "http") =>
        $"{scheme}://{Uri.EscapeDataString(username)}:{Uri.EscapeDataString(password ?? Config.Users[0].Password)}@{GatewayEndpoint.Address}:{GatewayEndpoint.Port}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
