namespace ProxyRotator.Core.Configuration;

/// <summary><c>sessions</c>: sticky session lifetimes.</summary>
public sealed class SessionOptions
{
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(24);
}
