namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// The state of one (exit, site) ban, immutable: <see cref="Strikes"/> bans in a row (forgiven one per
/// <c>forgiveAfter</c> quiet period after the cool-down), banned until <see cref="Until"/>.
/// </summary>
public sealed record SiteBan(string Site, ExitKey Exit, int Strikes, DateTimeOffset BannedAt, DateTimeOffset Until, BanSource Source, string? Reason)
{
    public bool IsActive(DateTimeOffset now) => now < Until;

    /// <summary>Strikes still remembered at <paramref name="now"/>: after the cool-down each quiet <paramref name="forgiveAfter"/> forgets one.</summary>
    public int StrikesAt(DateTimeOffset now, TimeSpan forgiveAfter)
    {
        if (now < Until)
        {
            return Strikes;
        }

        long forgiven = forgiveAfter <= TimeSpan.Zero ? Strikes : (now - Until).Ticks / forgiveAfter.Ticks;
        return (int)Math.Max(0, Strikes - Math.Min(forgiven, Strikes));
    }

    /// <summary>Nothing left to remember: the cool-down is over and every strike forgiven.</summary>
    public bool IsForgotten(DateTimeOffset now, TimeSpan forgiveAfter) => StrikesAt(now, forgiveAfter) == 0;
}
