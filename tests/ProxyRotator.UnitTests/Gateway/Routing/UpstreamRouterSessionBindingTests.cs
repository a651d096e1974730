using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Routing;

namespace ProxyRotator.UnitTests.Gateway.Routing;

/// <summary>Requests that arrive together for one new sticky session are bound one at a time.</summary>
public sealed class UpstreamRouterSessionBindingTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly MemorySessionStore _sessions = new();
    private readonly SessionBindingGate _gate = new();
    private readonly UpstreamProxy _upstream = new()
    {
        Id = 7,
        PoolName = "dc",
        Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, "127.0.0.1", 1, null, null),
        Type = UpstreamType.Datacenter,
        Status = UpstreamStatus.Active,
    };

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task BeginAsync_SecondRequestWhileFirstBinds_WaitsAndFollowsTheBinding()
    {
        UpstreamRouter router = CreateRouter();
        using UpstreamRoute first = await router.BeginAsync(Admitted("s1"), CancellationToken.None);

        ValueTask<UpstreamRoute> second = router.BeginAsync(Admitted("s1"), CancellationToken.None);
        Assert.False(second.IsCompleted);

        await router.CommitAsync(first, _upstream, CancellationToken.None);
        using UpstreamRoute followed = await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(_upstream.Id, followed.Session?.UpstreamId);
        Assert.Equal(0, _gate.Pending);
    }

    [Fact]
    public async Task BeginAsync_FirstRequestEndsUnbound_WaiterTakesOverTheClaim()
    {
        UpstreamRouter router = CreateRouter();
        UpstreamRoute first = await router.BeginAsync(Admitted("s2"), CancellationToken.None);
        ValueTask<UpstreamRoute> second = router.BeginAsync(Admitted("s2"), CancellationToken.None);

        first.Dispose();
        using UpstreamRoute next = await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(next.Session);
        Assert.Equal(1, _gate.Pending);
    }

    [Fact]
    public async Task BeginAsync_FirstRequestNeverBinds_WaiterPicksAloneAfterTheLimit()
    {
        UpstreamRouter router = CreateRouter();
        using UpstreamRoute first = await router.BeginAsync(Admitted("s3"), CancellationToken.None);
        Task<UpstreamRoute> second = router.BeginAsync(Admitted("s3"), CancellationToken.None).AsTask();

        _time.Advance(router.BindingWaitLimit - TimeSpan.FromSeconds(1));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        using UpstreamRoute alone = await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(alone.Session);
    }

    [Fact]
    public async Task BeginAsync_DifferentSessionsAndRotation_NeverWait()
    {
        UpstreamRouter router = CreateRouter();
        using UpstreamRoute a = await router.BeginAsync(Admitted("a"), CancellationToken.None);

        ValueTask<UpstreamRoute> b = router.BeginAsync(Admitted("b"), CancellationToken.None);
        ValueTask<UpstreamRoute> rotating = router.BeginAsync(Admitted(null), CancellationToken.None);

        Assert.True(b.IsCompleted);
        Assert.True(rotating.IsCompleted);
        (await b).Dispose();
        (await rotating).Dispose();
    }

    [Fact]
    public async Task BeginAsync_CallerCancelsWhileWaiting_Throws()
    {
        UpstreamRouter router = CreateRouter();
        using UpstreamRoute first = await router.BeginAsync(Admitted("s4"), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Task<UpstreamRoute> second = router.BeginAsync(Admitted("s4"), cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private UpstreamRouter CreateRouter()
    {
        var pool = Substitute.For<IPoolSnapshotSource>();
        pool.Current.Returns(new PoolSnapshot([_upstream], 1));
        return new UpstreamRouter(pool, new UpstreamSelector(), _sessions, new ProxyRotatorConfig(), _time,
            new GatewayMetrics(_services.GetRequiredService<IMeterFactory>()), _gate);
    }

    /// <summary>Answers what was saved last, at once.</summary>
    private sealed class MemorySessionStore : ISessionStore
    {
        private StickySession? _stored;

        public int Count => _stored is null ? 0 : 1;

        public int CountFor(string account) => _stored?.Account == account ? 1 : 0;

        public int CountActive(DateTimeOffset now) => _stored is { } s && !s.IsExpired(now) ? 1 : 0;

        public ValueTask<StickySession?> GetAsync(string account, string sessionId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_stored is { } s && s.Account == account && s.SessionId == sessionId ? s : null);

        public ValueTask SaveAsync(StickySession session, CancellationToken cancellationToken)
        {
            _stored = session;
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> RemoveAsync(string account, string sessionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<StickySession>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static AdmissionResult Admitted(string? sessionId) =>
        AdmissionResult.Admitted(new TargetingParameters { Account = "acct", SessionId = sessionId }, PoolAccess.All);
}
