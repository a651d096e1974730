using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.IntegrationTests.Providers;

/// <summary>
/// A provider's list API on loopback (real Kestrel, free port). Tests set what it answers next and read what it
/// was sent (headers and query) to check the client's side of the contract.
/// </summary>
internal sealed class SimulatedProviderApi : IAsyncDisposable
{
    public const string ListPath = "/v1/proxies";

    private readonly WebApplication _app;
    private volatile Answer _answer = new(HttpStatusCode.OK, "[]", "application/json");

    private SimulatedProviderApi(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The list URL with a query parameter, as providers often want one.</summary>
    public string ListUrl => new Uri(BaseUrl, ListPath + "?format=json").ToString();

    public ConcurrentQueue<IHeaderDictionary> ReceivedHeaders { get; } = new();
    public ConcurrentQueue<string> ReceivedQueries { get; } = new();
    public int Requests => ReceivedHeaders.Count;

    public static async Task<SimulatedProviderApi> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var api = new SimulatedProviderApi(app);
        app.MapGet(ListPath, async context =>
        {
            api.ReceivedHeaders.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)));
            api.ReceivedQueries.Enqueue(context.Request.QueryString.Value ?? string.Empty);
            Answer answer = api._answer;
            context.Response.StatusCode = (int)answer.Status;
            context.Response.ContentType = answer.ContentType;
            await context.Response.WriteAsync(answer.Body);
        });
        await app.StartAsync();
        api.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return api;
    }

    public void AnswerJson(string json) => _answer = new Answer(HttpStatusCode.OK, json, "application/json");

    public void AnswerStatus(HttpStatusCode status, string body = "") => _answer = new Answer(status, body, "text/plain");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string ContentType);
}
