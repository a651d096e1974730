using System.Net;
using ProxyRotator.Gateway.Observability;

namespace ProxyRotator.UnitTests.Gateway.Observability;

/// <summary>Entries shaped like what the gateway's three front ends report; the client's password is <see cref="Password"/>.</summary>
internal static class AccessLogEntries
{
    public const string Password = "hunter2-s3cret";

    public static readonly DateTimeOffset Time = new(2026, 12, 7, 4, 30, 0, 123, TimeSpan.Zero);

    public static AccessLogEntry Http(string? path = "/search?q=secret-token") => new()
    {
        Time = Time,
        Protocol = AccessLogProtocol.Http,
        ClientAddress = IPAddress.Parse("::ffff:192.0.2.10"),
        Account = "scraper",
        Targeting = "country-de-session-acct42",
        TargetHost = "example.com",
        TargetPort = 80,
        UrlPathAndQuery = path,
        UpstreamId = 17,
        UpstreamKind = "residential",
        ExitIp = "203.0.113.5",
        Status = 200,
        BytesUp = 120,
        BytesDown = 5400,
        Duration = TimeSpan.FromMilliseconds(42.5),
        Attempts = 1,
        SessionId = "acct42",
    };

    public static AccessLogEntry Connect() => new()
    {
        Time = Time,
        Protocol = AccessLogProtocol.Connect,
        ClientAddress = IPAddress.Loopback,
        Account = "scraper",
        TargetHost = "example.org",
        TargetPort = 443,
        UpstreamId = 3,
        UpstreamKind = "datacenter",
        Status = 502,
        ErrorCode = "upstream-failed",
        BytesUp = 0,
        BytesDown = 0,
        Duration = TimeSpan.FromSeconds(1.5),
        Attempts = 3,
    };

    public static AccessLogEntry Socks5() => new()
    {
        Time = Time,
        Protocol = AccessLogProtocol.Socks5,
        ClientAddress = IPAddress.IPv6Loopback,
        Account = "mobile_user",
        Targeting = "type-mobile",
        TargetHost = "198.51.100.20",
        TargetPort = 8443,
        UpstreamId = 9,
        UpstreamKind = "mobile",
        ExitIp = "203.0.113.9",
        Status = 0,
        BytesUp = 900,
        BytesDown = 12_000,
        Duration = TimeSpan.FromMinutes(2),
        Attempts = 2,
    };
}
