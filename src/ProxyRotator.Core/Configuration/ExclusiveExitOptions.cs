namespace ProxyRotator.Core.Configuration;

/// <summary>
/// <c>policy.exclusive</c>: an exit that served an exclusive request (a pool with <c>"exclusiveExits": true</c>, or
/// <c>-exclusive-on</c> in the username) for a site serves no other account for that site within <see cref="Window"/>.
/// </summary>
public sealed class ExclusiveExitOptions
{
    public const int DefaultMaxEntries = 200_000;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>(site, exit) pairs the ledger remembers at most; the oldest are forgotten first beyond it.</summary>
    public int MaxEntries { get; set; } = DefaultMaxEntries;
}
