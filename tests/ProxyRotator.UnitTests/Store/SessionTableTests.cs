using ProxyRotator.Core.Sessions;
using ProxyRotator.Store.Sessions;

namespace ProxyRotator.UnitTests.Store;

public class SessionTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Set_NewThenSameKey_AddsOnceThenReplaces()
    {
        var table = new SessionTable();
        StickySession first = Session("a", "s", 1);
        StickySession rebound = first with { UpstreamId = 2 };

        Assert.True(table.Set(first));
        Assert.False(table.Set(rebound));

        Assert.True(table.TryGet("a", "s", out StickySession? held));
        Assert.Same(rebound, held);
        Assert.False(table.TryGet("b", "s", out _));
        Assert.False(table.TryAdd(first));
    }

    [Fact]
    public async Task SetAndTryRemove_ConcurrentOnManyKeys_EveryChangeCountedOnce()
    {
        var table = new SessionTable();
        int added = 0;
        int removed = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                // Two workers share each id: each add and each remove happens exactly once between them.
                string id = $"s{worker / 2}-{i}";
                if (table.Set(Session("a", id, worker)))
                {
                    Interlocked.Increment(ref added);
                }

                if (i % 2 == 0 && table.TryRemove("a", id))
                {
                    Interlocked.Increment(ref removed);
                }
            }
        })));

        Assert.Equal(added - removed, table.Count(0, static (_, _) => true));
        // Each worker removes the even ids after setting them, so only the odd ones are left: 2 500 for each pair.
        Assert.Equal(4 * 2_500, table.Count(0, static (_, _) => true));
    }

    [Fact]
    public void RemoveWhere_SomeMatch_RemovesAndReportsOnlyThose()
    {
        var table = new SessionTable();
        for (int i = 0; i < 1_000; i++)
        {
            table.Set(Session("a", "s" + i, i));
        }

        var reported = new List<long>();
        int count = table.RemoveWhere(500L, static (s, limit) => s.UpstreamId < limit, s => reported.Add(s.UpstreamId));

        Assert.Equal(500, count);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), reported.Order());
        var left = new List<StickySession>();
        table.CopyTo(left, 0, static (_, _) => true);
        Assert.Equal(Enumerable.Range(500, 500).Select(i => (long)i), left.Select(s => s.UpstreamId).Order());
    }

    private static StickySession Session(string account, string id, long upstreamId) => new()
    {
        Account = account,
        SessionId = id,
        UpstreamId = upstreamId,
        CreatedAt = Now,
        ExpiresAt = Now.AddMinutes(10),
        LastUsedAt = Now,
    };
}
