using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Sessions;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.UnitTests.Store;

public sealed class StoreFormattingTests
{
    [Fact]
    public void DiscoveredUpstream_ToString_MasksPassword()
    {
        var discovered = new DiscoveredUpstream(new UpstreamEndpoint(UpstreamScheme.Http, "203.0.113.1", 8000, "acct", "topsecret"), UpstreamType.Mobile, "US");

        string text = discovered.ToString();

        Assert.DoesNotContain("topsecret", text, StringComparison.Ordinal);
        Assert.Contains("acct:***@203.0.113.1:8000", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StickySessionEntity_CopyFromThenToSession_RoundTrips()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var session = new StickySession
        {
            Account = "scraper",
            SessionId = "acct42",
            UpstreamId = 9,
            CreatedAt = now,
            ExpiresAt = now.AddHours(1),
            LastUsedAt = now.AddMinutes(3),
            Mode = SessionMode.Strict,
            ExitIp = "203.0.113.9",
        };
        var entity = new StickySessionEntity { Account = "x", SessionId = "y" };

        entity.CopyFrom(session);

        Assert.Equal(session, entity.ToSession());
    }

    [Theory]
    [InlineData(1, 2, 3, 0, 0, true)]
    [InlineData(0, 0, 0, 1, 0, true)]
    [InlineData(0, 0, 0, 0, 1, true)]
    [InlineData(0, 0, 0, 0, 0, false)]
    public void PoolSyncResult_HasChanges_CountsUpstreamsAndPools(int added, int updated, int retired, int poolsAdded, int poolsUpdated, bool expected)
    {
        var result = new PoolSyncResult(added, updated, retired) { PoolsAdded = poolsAdded, PoolsUpdated = poolsUpdated };

        Assert.Equal(expected, result.HasChanges);
    }

    [Fact]
    public void PoolSyncResult_Plus_AddsEveryCount()
    {
        PoolSyncResult sum = new PoolSyncResult(1, 2, 3) { PoolsAdded = 1 } + new PoolSyncResult(10, 20, 30) { PoolsUpdated = 2 };

        Assert.Equal(new PoolSyncResult(11, 22, 33) { PoolsAdded = 1, PoolsUpdated = 2 }, sum);
        Assert.Equal("added 11, updated 22, retired 33", sum.ToString());
    }

    [Theory]
    [InlineData(" de ", "DE")]
    [InlineData("US", "US")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void NormalizeCountry_Input_IsUpperCaseOrNull(string? input, string? expected)
    {
        Assert.Equal(expected, PoolSynchronizer.NormalizeCountry(input));
    }

    [Theory]
    [InlineData("New York", "new_york")]
    [InlineData("berlin", "berlin")]
    [InlineData("  ", null)]
    public void NormalizeCity_Input_IsLowerCaseWithUnderscores(string? input, string? expected)
    {
        Assert.Equal(expected, PoolSynchronizer.NormalizeCity(input));
    }
}
