using ProxyRotator.Core.Sessions;

namespace ProxyRotator.UnitTests.Store;

public class StickySessionTimesTests
{
    [Fact]
    public void Times_SetWithOffset_ReadBackAsSameInstantInUtc()
    {
        var created = new DateTimeOffset(2026, 1, 1, 14, 0, 0, TimeSpan.FromHours(2));
        var session = new StickySession
        {
            Account = "a",
            SessionId = "s",
            UpstreamId = 1,
            CreatedAt = created,
            ExpiresAt = created.AddMinutes(10),
        };

        Assert.Equal(created, session.CreatedAt);
        Assert.Equal(TimeSpan.Zero, session.CreatedAt.Offset);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 10, 0, TimeSpan.Zero), session.ExpiresAt);
        Assert.Equal(default, session.LastUsedAt);
        Assert.False(session.IsExpired(created.AddMinutes(10).AddTicks(-1)));
        Assert.True(session.IsExpired(created.AddMinutes(10)));
        Assert.Equal(session, session with { CreatedAt = created.ToUniversalTime() });
    }
}
