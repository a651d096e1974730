using System.Net;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Providers.Api;
using ProxyRotator.Providers.Sync;
using ProxyRotator.Store.Entities;
using static ProxyRotator.IntegrationTests.Providers.ProviderTestWorld;

namespace ProxyRotator.IntegrationTests.Providers;

/// <summary>Provider import end to end: simulated provider API → keyed Refit client → Polly → parser → store.</summary>
public sealed class ProviderSyncTests : IAsyncLifetime
{
    private const string FirstList = """
        {"proxies": [
          {"url": "http://u1:pw-one@127.0.7.1:8001", "type": "residential", "country": "de", "city": "Berlin"},
          {"host": "127.0.7.2", "port": 8002, "username": "u2", "password": "pw-two", "country": "FR"},
          {"host": "127.0.7.3", "port": "1080", "scheme": "socks5", "type": "mobile", "country": "NL"}
        ]}
        """;

    private static readonly ProviderKey Key = new(PoolName, ProviderName);
    private SimulatedProviderApi _api = null!;
    private ProviderTestWorld _world = null!;

    public async Task InitializeAsync()
    {
        _api = await SimulatedProviderApi.StartAsync();
        _world = await CreateAsync(new ProviderOptions
        {
            Name = ProviderName,
            Url = _api.ListUrl,
            ApiKey = "acme-key-1",
            Headers = new Dictionary<string, string> { ["X-Account"] = "42" },
        });
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        await _api.DisposeAsync();
    }

    private Task<ProviderSyncReport> SyncAsync() => _world.Get<ProviderSyncService>().SyncProviderAsync(Key, CancellationToken.None);

    [Fact]
    public async Task SyncProvider_FirstSync_AddsEveryListedUpstreamAsPending()
    {
        _api.AnswerJson(FirstList);

        ProviderSyncReport report = await SyncAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal((3, 3, 0, 0), (report.Listed, report.Added, report.Updated, report.Retired));
        List<StoredUpstream> stored = await _world.UpstreamsAsync();
        var fromProvider = stored.Where(u => u.Source == "provider:acme").ToList();
        Assert.Equal(["http://127.0.7.1:8001", "http://127.0.7.2:8002", "socks5://127.0.7.3:1080"], fromProvider.Select(u => u.Address));
        Assert.All(fromProvider, u => Assert.Equal(UpstreamStatus.Pending, u.Status));
        Assert.Equal(("DE", "berlin", "u1", "pw-one"), (fromProvider[0].Country, fromProvider[0].City, fromProvider[0].Username, fromProvider[0].Password));
        Assert.Equal((UpstreamType.Residential, "u2", "pw-two"), (fromProvider[1].Type, fromProvider[1].Username, fromProvider[1].Password));
        Assert.Equal(UpstreamType.Mobile, fromProvider[2].Type);
        Assert.Contains(stored, u => u.Source == UpstreamEntity.ConfigSource && u.Status == UpstreamStatus.Pending);

        ProviderSourceEntity source = await _world.ProviderSourceAsync();
        Assert.Equal((3, (string?)null), (source.LastCount, source.LastError));
        Assert.NotNull(source.LastSuccessAt);
        Assert.Equal(source.LastSyncAt, source.LastSuccessAt);
    }

    [Fact]
    public async Task SyncProvider_SendsKeyConfiguredHeadersAndQuery()
    {
        _api.AnswerJson(FirstList);

        await SyncAsync();

        Assert.True(_api.ReceivedHeaders.TryPeek(out var headers));
        Assert.Equal("Bearer acme-key-1", headers!["Authorization"].ToString());
        Assert.Equal("acme-key-1", headers["X-Api-Key"].ToString());
        Assert.Equal("42", headers["X-Account"].ToString());
        Assert.Equal("?format=json", Assert.Single(_api.ReceivedQueries));
    }

    [Fact]
    public async Task SyncProvider_SecondSyncWithChanges_AddsUpdatesAndRetires()
    {
        _api.AnswerJson(FirstList);
        await SyncAsync();
        _api.AnswerJson("""
            [
              {"url": "http://u1:pw-one@127.0.7.1:8001", "type": "residential", "country": "de", "city": "Berlin"},
              {"host": "127.0.7.2", "port": 8002, "username": "u2", "password": "pw-rotated", "country": "BE"},
              {"host": "127.0.7.4", "port": 8004, "country": "IT"}
            ]
            """);

        ProviderSyncReport report = await SyncAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal((3, 1, 1, 1), (report.Listed, report.Added, report.Updated, report.Retired));
        Dictionary<string, StoredUpstream> stored = (await _world.UpstreamsAsync()).ToDictionary(u => u.Address);
        Assert.Equal(UpstreamStatus.Pending, stored["http://127.0.7.1:8001"].Status);
        Assert.Equal(("BE", "pw-rotated"), (stored["http://127.0.7.2:8002"].Country, stored["http://127.0.7.2:8002"].Password));
        Assert.Equal(UpstreamStatus.Retired, stored["socks5://127.0.7.3:1080"].Status);
        Assert.Equal(UpstreamStatus.Pending, stored["http://127.0.7.4:8004"].Status);
        Assert.Equal(UpstreamStatus.Pending, stored["http://127.0.8.1:8000"].Status); // the config's own upstream is untouched
    }

    [Fact]
    public async Task SyncProvider_SameListTwice_SecondChangesNothing()
    {
        _api.AnswerJson(FirstList);
        await SyncAsync();

        ProviderSyncReport second = await SyncAsync();

        Assert.Equal((0, 0, 0), (second.Added, second.Updated, second.Retired));
    }

    [Fact]
    public async Task SyncProvider_Outage_LeavesPoolUnchangedAndRecordsTheError()
    {
        _api.AnswerJson(FirstList);
        await SyncAsync();
        List<StoredUpstream> before = await _world.UpstreamsAsync();
        int requestsBefore = _api.Requests;
        _api.AnswerStatus(HttpStatusCode.ServiceUnavailable, "maintenance");

        ProviderSyncReport report = await SyncAsync();

        Assert.False(report.Succeeded);
        Assert.Equal("provider answered HTTP 503 Service Unavailable", report.Error);
        Assert.Equal(3, _api.Requests - requestsBefore); // first attempt + 2 retries
        Assert.Equal(before, await _world.UpstreamsAsync());
        ProviderSourceEntity source = await _world.ProviderSourceAsync();
        Assert.Equal(report.Error, source.LastError);
        Assert.Equal(3, source.LastCount); // from the last good sync
        Assert.True(source.LastSyncAt >= source.LastSuccessAt);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"proxies": [{"url": "http://127.0.7.1:8001"}""")]
    [InlineData("""{"error": "quota exceeded"}""")]
    [InlineData("[]")]
    [InlineData("""[{"host": "127.0.7.9"}, {"url": "nonsense"}]""")]
    public async Task SyncProvider_MalformedBody_LeavesPoolUnchangedAndRecordsTheError(string body)
    {
        _api.AnswerJson(FirstList);
        await SyncAsync();
        List<StoredUpstream> before = await _world.UpstreamsAsync();
        _api.AnswerJson(body);

        ProviderSyncReport report = await SyncAsync();

        Assert.False(report.Succeeded);
        Assert.Equal(before, await _world.UpstreamsAsync());
        ProviderSourceEntity source = await _world.ProviderSourceAsync();
        Assert.False(string.IsNullOrEmpty(source.LastError));
        Assert.Equal(report.Error, source.LastError);
    }

    [Fact]
    public async Task SyncProvider_SomeEntriesInvalid_SucceedsAndShowsWhySomeAreMissing()
    {
        _api.AnswerJson("""[{"url": "http://127.0.7.1:8001"}, {"url": "ftp://127.0.7.2:21"}]""");

        ProviderSyncReport report = await SyncAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(1, report.Listed);
        ProviderSourceEntity source = await _world.ProviderSourceAsync();
        Assert.Equal(source.LastSyncAt, source.LastSuccessAt);
        Assert.Equal(1, source.LastCount);
        Assert.StartsWith("1 invalid entries skipped, e.g. [1]: unknown scheme 'ftp'", source.LastError, StringComparison.Ordinal);

        // A clean sync afterwards clears the note.
        _api.AnswerJson(FirstList);
        await SyncAsync();
        Assert.Null((await _world.ProviderSourceAsync()).LastError);
    }

    [Fact]
    public async Task SyncProvider_Unreachable_ReportsIt()
    {
        // Nothing listens on loopback port 1.
        await using ProviderTestWorld world = await CreateAsync(new ProviderOptions { Name = ProviderName, Url = "http://127.0.0.1:1/v1/proxies" });

        ProviderSyncReport report = await world.Get<ProviderSyncService>().SyncProviderAsync(Key, CancellationToken.None);

        Assert.False(report.Succeeded);
        Assert.Contains("unreachable", report.Error, StringComparison.Ordinal);
        Assert.Single(await world.UpstreamsAsync());
        Assert.Equal(report.Error, (await world.ProviderSourceAsync()).LastError);
    }

    [Fact]
    public async Task SyncAll_EveryConfiguredProvider_ReportsEach()
    {
        _api.AnswerJson(FirstList);

        IReadOnlyList<ProviderSyncReport> reports = await _world.Get<ProviderSyncService>().SyncAllAsync(CancellationToken.None);

        ProviderSyncReport report = Assert.Single(reports);
        Assert.Equal((PoolName, ProviderName, 3), (report.Pool, report.Provider, report.Added));
    }
}
