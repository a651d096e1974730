using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Polly.CircuitBreaker;
using Polly.Timeout;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Providers.Api;
using ProxyRotator.Providers.Sync;
using Refit;
using static ProxyRotator.IntegrationTests.Providers.ProviderTestWorld;

namespace ProxyRotator.IntegrationTests.Providers;

/// <summary>Every way a fetch can fail leaves the pool as it was and leaves an operator-readable error (NSubstitute provider API).</summary>
public sealed class ProviderFailureModeTests
{
    public enum FailureMode
    {
        Timeout,
        ConnectionRefused,
        CircuitOpen,
        ServerError,
        Unauthorized,
        UnexpectedException,
    }

    private static readonly ProviderKey Key = new(PoolName, ProviderName);

    [Theory]
    [InlineData(FailureMode.Timeout, "did not answer in time")]
    [InlineData(FailureMode.ConnectionRefused, "unreachable (ConnectionError)")]
    [InlineData(FailureMode.CircuitOpen, "circuit open")]
    [InlineData(FailureMode.ServerError, "HTTP 500")]
    [InlineData(FailureMode.Unauthorized, "HTTP 401")]
    [InlineData(FailureMode.UnexpectedException, "fetch failed: InvalidCastException")]
    public async Task SyncProvider_FetchFails_PoolUnchangedAndErrorRecorded(FailureMode mode, string expected)
    {
        IProviderApi api = Substitute.For<IProviderApi>();
        api.GetProxiesAsync(default!, default!, default).ReturnsForAnyArgs(JsonDocument.Parse("""["http://127.0.7.1:8001", "http://127.0.7.2:8002"]""").RootElement.Clone());
        await using ProviderTestWorld world = await CreateWorldAsync(api);
        ProviderSyncService sync = world.Get<ProviderSyncService>();
        Assert.True((await sync.SyncProviderAsync(Key, CancellationToken.None)).Succeeded);
        List<StoredUpstream> before = await world.UpstreamsAsync();

        api.GetProxiesAsync(default!, default!, default).ThrowsAsyncForAnyArgs(await CreateFailureAsync(mode));
        ProviderSyncReport report = await sync.SyncProviderAsync(Key, CancellationToken.None);

        Assert.False(report.Succeeded);
        Assert.Contains(expected, report.Error, StringComparison.Ordinal);
        Assert.Equal(before, await world.UpstreamsAsync());
        Assert.Equal(3, before.Count);
        Assert.Equal(report.Error, (await world.ProviderSourceAsync()).LastError);
    }

    [Fact]
    public async Task SyncProvider_CallerCancels_PropagatesAndRecordsNothing()
    {
        IProviderApi api = Substitute.For<IProviderApi>();
        using var cts = new CancellationTokenSource();
        api.GetProxiesAsync(default!, default!, default).ReturnsForAnyArgs<Task<JsonElement>>(_ =>
        {
            cts.Cancel();
            throw new OperationCanceledException(cts.Token);
        });
        await using ProviderTestWorld world = await CreateWorldAsync(api);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.Get<ProviderSyncService>().SyncProviderAsync(Key, cts.Token));

        Assert.Null((await world.ProviderSourceAsync()).LastSyncAt);
    }

    [Fact]
    public async Task SyncProvider_PassesTheConfiguredQueryAndHeadersToTheClient()
    {
        IProviderApi api = Substitute.For<IProviderApi>();
        api.GetProxiesAsync(default!, default!, default).ReturnsForAnyArgs(JsonDocument.Parse("""["http://127.0.7.1:8001"]""").RootElement.Clone());
        await using ProviderTestWorld world = await CreateWorldAsync(api);

        await world.Get<ProviderSyncService>().SyncProviderAsync(Key, CancellationToken.None);

        await api.Received(1).GetProxiesAsync(
            Arg.Is<IDictionary<string, string>>(q => q["region"] == "eu"),
            Arg.Is<IDictionary<string, string>>(h => h["Authorization"] == "Bearer k"),
            Arg.Any<CancellationToken>());
    }

    private static async Task<ProviderTestWorld> CreateWorldAsync(IProviderApi api)
    {
        IProviderApiFactory factory = Substitute.For<IProviderApiFactory>();
        factory.Create(Key).Returns(api);
        return await CreateAsync(
            new ProviderOptions { Name = ProviderName, Url = "http://127.0.0.1:1/list?region=eu", ApiKey = "k" },
            services => services.AddSingleton(factory));
    }

    private static async Task<Exception> CreateFailureAsync(FailureMode mode) => mode switch
    {
        FailureMode.Timeout => new TimeoutRejectedException(),
        FailureMode.ConnectionRefused => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)"),
        FailureMode.CircuitOpen => new BrokenCircuitException(),
        FailureMode.ServerError => await ApiErrorAsync(HttpStatusCode.InternalServerError),
        FailureMode.Unauthorized => await ApiErrorAsync(HttpStatusCode.Unauthorized),
        _ => new InvalidCastException(),
    };

    private static async Task<ApiException> ApiErrorAsync(HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/list");
        using var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent("nope") };
        return await ApiException.Create(request, HttpMethod.Get, response, new RefitSettings());
    }
}
