using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProxyRotator.Core.Sessions;
using ProxyRotator.IntegrationTests.Support;
using ProxyRotator.Store.Sessions;

namespace ProxyRotator.IntegrationTests.Gateway;

/// <summary>
/// A new session's binding must be stored before its first answer reaches the client: a client that sends its
/// second request the moment the first answer arrives must still get the same exit, however slow the store is.
/// </summary>
public sealed class StickySessionBindingRaceTests(StickySessionBindingRaceTests.Fixture fixture) : IClassFixture<StickySessionBindingRaceTests.Fixture>
{
    public sealed class Fixture : ProductWithWorld
    {
        protected override byte Subnet => 10;

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.RemoveAll<ISessionStore>();
            services.AddSingleton<ISessionStore>(provider => new SlowSavingSessionStore(provider.GetRequiredService<StoreSessionStore>()));
        }
    }

    [Theory]
    [InlineData("race1")]
    [InlineData("race2")]
    [InlineData("race3")]
    public async Task NewSession_SecondRequestRightAfterFirstAnswer_SameExit(string sessionId)
    {
        string proxy = fixture.Product.ProxyUrl(TestConfigs.User + "-session-" + sessionId);

        CurlResult first = await Curl.RunAsync(["-sS", "-x", proxy, fixture.OriginUrl()]);
        CurlResult second = await Curl.RunAsync(["-sS", "-x", proxy, fixture.OriginUrl()]);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
    }

    // A browser opens several connections at once with the same new session: they must all share one exit, not
    // each get a pick of its own (the last save winning).
    [Theory]
    [InlineData("together-http", "http", false)]
    [InlineData("together-connect", "http", true)]
    [InlineData("together-socks", "socks5h", false)]
    public async Task NewSession_EightFirstRequestsAtOnce_OneExit(string sessionId, string scheme, bool tunnel)
    {
        string proxy = fixture.Product.ProxyUrl(TestConfigs.User + "-session-" + sessionId.Replace("-", "_", StringComparison.Ordinal), scheme: scheme);
        string[] args = tunnel ? ["-sS", "-p", "-x", proxy, fixture.OriginUrl()] : ["-sS", "-x", proxy, fixture.OriginUrl()];

        CurlResult[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Curl.RunAsync(args)));

        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        Assert.Single(results.Select(r => r.Output).Distinct());
    }

    /// <summary>Takes its time to save, as a busy database would.</summary>
    private sealed class SlowSavingSessionStore(ISessionStore inner) : ISessionStore
    {
        public int Count => inner.Count;

        public int CountFor(string account) => inner.CountFor(account);

        public int CountActive(DateTimeOffset now) => inner.CountActive(now);

        public ValueTask<StickySession?> GetAsync(string account, string sessionId, CancellationToken cancellationToken) =>
            inner.GetAsync(account, sessionId, cancellationToken);

        public async ValueTask SaveAsync(StickySession session, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400), cancellationToken);
            await inner.SaveAsync(session, cancellationToken);
        }

        public ValueTask<bool> RemoveAsync(string account, string sessionId, CancellationToken cancellationToken) =>
            inner.RemoveAsync(account, sessionId, cancellationToken);

        public ValueTask<IReadOnlyList<StickySession>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public ValueTask<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.RemoveExpiredAsync(now, cancellationToken);
    }
}
