using System.Net.Http.Json;
using System.Text.Json;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>Shared helpers: one server per test (tests change its data), JSON reading in the API's camelCase.</summary>
public abstract class AdminApiTestBase : IAsyncLifetime
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal AdminTestServer Server { get; private set; } = null!;
    internal HttpClient Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await AdminTestServer.StartAsync(ConfigureServices);
        Client = Server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    internal virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    internal static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal async Task<JsonElement> GetJsonAsync(string path) => await ReadJsonAsync(await Client.GetAsync(path));

    internal static JsonContent Body(object value) => JsonContent.Create(value, options: Json);
}
