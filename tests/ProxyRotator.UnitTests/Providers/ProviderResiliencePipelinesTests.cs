using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;
using ProxyRotator.Providers.Resilience;

namespace ProxyRotator.UnitTests.Providers;

public sealed class ProviderResiliencePipelinesTests
{
    private static ProviderResilienceOptions FastOptions() => new()
    {
        MaxRetries = 3,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        AttemptTimeout = TimeSpan.FromMilliseconds(300),
        BreakerMinimumThroughput = 100,
    };

    private static HttpClient CreateClient(ProviderResilienceOptions options, Func<int, CancellationToken, Task<HttpResponseMessage>> answer, out ScriptedHandler inner)
    {
        inner = new ScriptedHandler(answer);
        var handler = new ProviderResilienceHandler(ProviderResiliencePipelines.Build(options, TimeProvider.System)) { InnerHandler = inner };
        return new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/") };
    }

    [Fact]
    public async Task SendAsync_TwoServerErrorsThenOk_RetriesUntilSuccess()
    {
        using HttpClient client = CreateClient(FastOptions(),
            (attempt, _) => Task.FromResult(new HttpResponseMessage(attempt < 3 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK)), out ScriptedHandler inner);

        using HttpResponseMessage response = await client.GetAsync("list");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Attempts);
    }

    [Fact]
    public async Task SendAsync_PersistentServerError_GivesUpAfterMaxRetries()
    {
        using HttpClient client = CreateClient(FastOptions(),
            (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)), out ScriptedHandler inner);

        using HttpResponseMessage response = await client.GetAsync("list");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(4, inner.Attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task SendAsync_ClientError_IsNotRetried(HttpStatusCode status)
    {
        using HttpClient client = CreateClient(FastOptions(), (_, _) => Task.FromResult(new HttpResponseMessage(status)), out ScriptedHandler inner);

        using HttpResponseMessage response = await client.GetAsync("list");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public async Task SendAsync_ConnectionFailure_RetriedThenSurfaces()
    {
        using HttpClient client = CreateClient(FastOptions(),
            (_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError)), out ScriptedHandler inner);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("list"));
        Assert.Equal(4, inner.Attempts);
    }

    [Fact]
    public async Task SendAsync_AttemptHangs_TimesOutEachAttempt()
    {
        ProviderResilienceOptions options = FastOptions();
        options.MaxRetries = 1;
        options.AttemptTimeout = TimeSpan.FromMilliseconds(100);
        using HttpClient client = CreateClient(options, async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }, out ScriptedHandler inner);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync("list"));
        Assert.Equal(2, inner.Attempts);
    }

    [Fact]
    public async Task SendAsync_RepeatedFailures_OpenTheBreakerAndStopCallingTheProvider()
    {
        ProviderResilienceOptions options = FastOptions();
        options.MaxRetries = 0;
        options.BreakerMinimumThroughput = 2;
        options.BreakerFailureRatio = 0.5;
        options.BreakDuration = TimeSpan.FromMinutes(5);
        using HttpClient client = CreateClient(options,
            (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)), out ScriptedHandler inner);

        (await client.GetAsync("list")).Dispose();
        (await client.GetAsync("list")).Dispose();
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("list"));

        Assert.Equal(2, inner.Attempts);
    }

    [Fact]
    public void For_SameKey_ReturnsTheSamePipeline()
    {
        var pipelines = new ProviderResiliencePipelines(Microsoft.Extensions.Options.Options.Create(FastOptions()), TimeProvider.System);

        Assert.Same(pipelines.For("a/b"), pipelines.For("a/b"));
        Assert.NotSame(pipelines.For("a/b"), pipelines.For("a/c"));
    }

    internal sealed class ScriptedHandler(Func<int, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            answer(Interlocked.Increment(ref _attempts), cancellationToken);
    }
}
