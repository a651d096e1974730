using Microsoft.EntityFrameworkCore;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Health.Sessions;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using static ProxyRotator.IntegrationTests.Health.HealthTestWorld;

namespace ProxyRotator.IntegrationTests.Health;

public sealed class SessionSweeperTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task SweepAsync_ExpiredAndRetiredUpstreams_RemovesExpiredAndStrictKeepsFlex()
    {
        await using HealthTestWorld world = await CreateAsync();
        SimulatedUpstreamProxy doomed = world.StartUpstream("127.0.4.71");
        SimulatedUpstreamProxy fine = world.StartUpstream("127.0.4.72");
        await world.BuildAsync(pools: Pool("res", UpstreamType.Residential, Entry(doomed), Entry(fine)));
        long doomedId = (await world.UpstreamAsync(doomed)).Id, fineId = (await world.UpstreamAsync(fine)).Id;
        var sessions = world.Get<ISessionStore>();
        DateTimeOffset now = world.Time.GetUtcNow();
        StickySession Session(string id, long upstream, SessionMode mode, TimeSpan ttl) => new()
        {
            Account = "scraper", SessionId = id, UpstreamId = upstream, Mode = mode, CreatedAt = now, ExpiresAt = now + ttl, LastUsedAt = now,
        };
        await sessions.SaveAsync(Session("strict_on_retired", doomedId, SessionMode.Strict, TimeSpan.FromHours(1)), None);
        await sessions.SaveAsync(Session("flex_on_retired", doomedId, SessionMode.Flex, TimeSpan.FromHours(1)), None);
        await sessions.SaveAsync(Session("strict_ok", fineId, SessionMode.Strict, TimeSpan.FromHours(1)), None);
        await sessions.SaveAsync(Session("short", fineId, SessionMode.Flex, TimeSpan.FromMinutes(5)), None);
        await using (ProxyRotatorDbContext db = await world.Get<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync())
        {
            UpstreamEntity row = await db.Upstreams.SingleAsync(u => u.Id == doomedId);
            row.ChangeStatus(UpstreamStatus.Retired, "test", now);
            await db.SaveChangesAsync();
        }

        world.Time.Advance(TimeSpan.FromMinutes(10));
        SessionSweepResult result = await world.Get<SessionSweeper>().SweepAsync(None);

        Assert.Equal(new SessionSweepResult(Expired: 1, StrictOnRetired: 1, FlexOnRetiredLeft: 1), result);
        Assert.Null(await sessions.GetAsync("scraper", "strict_on_retired", None));
        Assert.NotNull(await sessions.GetAsync("scraper", "flex_on_retired", None));
        Assert.NotNull(await sessions.GetAsync("scraper", "strict_ok", None));
        Assert.Equal(["flex_on_retired", "strict_ok"], (await sessions.ListAsync(None)).Select(s => s.SessionId).Order());

        Assert.Equal(new SessionSweepResult(0, 0, 1), await world.Get<SessionSweeper>().SweepAsync(None));
    }
}
