using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Pool;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>
/// Operator actions through the admin API go through the upstream lifecycle: the runtime state changes at once (the
/// selector sees it, no snapshot rebuild), the transition is stored with the operator as its reason, and only a
/// membership change (retire) rebuilds the snapshot.
/// </summary>
public sealed class AdminLifecycleTests
{
    private static readonly UpstreamQuery Berlin = new(null, null, "DE", "berlin", false, PoolAccess.All);

    [Fact]
    public async Task PostQuarantineThenRevive_ThroughTheLifecycle_ReachPicksWithoutRebuild()
    {
        await using AdminTestServer server = await AdminTestServer.StartAsync();
        using HttpClient client = server.CreateClient();
        long id = await server.UpstreamIdAsync("127.0.3.1");
        var snapshots = server.Services.GetRequiredService<IPoolSnapshotSource>();
        PoolSnapshot snapshot = snapshots.Current;
        var selector = new UpstreamSelector();
        Assert.Equal(id, selector.Pick(snapshot, Berlin, [])!.Id);

        using HttpResponseMessage quarantined = await client.PostAsync($"/api/proxies/{id}/quarantine", null);

        Assert.Equal(HttpStatusCode.OK, quarantined.StatusCode);
        Assert.Equal("quarantined", JsonDocument.Parse(await quarantined.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Same(snapshot, snapshots.Current);
        Assert.Null(selector.Pick(snapshot, Berlin, []));
        Assert.Equal(("quarantined by operator", UpstreamStatus.Quarantined), await LastTransitionAsync(server, id));

        using HttpResponseMessage revived = await client.PostAsync($"/api/proxies/{id}/revive", null);

        Assert.Equal(HttpStatusCode.OK, revived.StatusCode);
        Assert.Same(snapshot, snapshots.Current);
        Assert.Equal(id, selector.Pick(snapshot, Berlin, [])!.Id);
        Assert.Equal(("revived by operator", UpstreamStatus.Pending), await LastTransitionAsync(server, id));
    }

    [Fact]
    public async Task DeleteProxy_RetiredThroughTheLifecycle_LeavesTheSnapshot()
    {
        await using AdminTestServer server = await AdminTestServer.StartAsync();
        using HttpClient client = server.CreateClient();
        long id = await server.UpstreamIdAsync("127.0.3.1");
        var snapshots = server.Services.GetRequiredService<IPoolSnapshotSource>();
        Assert.True(snapshots.Current.TryGet(id, out UpstreamProxy? member));

        using HttpResponseMessage retired = await client.DeleteAsync($"/api/proxies/{id}");

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal(UpstreamStatus.Retired, member!.Status);
        Assert.False(snapshots.Current.TryGet(id, out _));
        Assert.Equal(("retired by operator", UpstreamStatus.Retired), await LastTransitionAsync(server, id));
    }

    [Fact]
    public async Task PostQuarantine_UnknownId_404()
    {
        await using AdminTestServer server = await AdminTestServer.StartAsync();
        using HttpClient client = server.CreateClient();

        using HttpResponseMessage response = await client.PostAsync("/api/proxies/999999/quarantine", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<(string Reason, UpstreamStatus To)> LastTransitionAsync(AdminTestServer server, long id)
    {
        await using ProxyRotatorDbContext db = await server.Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
        UpstreamStatusTransitionEntity last = await db.UpstreamStatusTransitions.Where(t => t.UpstreamId == id).OrderBy(t => t.Id).LastAsync();
        return (last.Reason, last.To);
    }
}
