using Microsoft.Extensions.Logging;

namespace ProxyRotator.Gateway.Policy;

/// <summary>Source-generated log messages of outbound rules and ban avoidance. No credentials.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(EventId = 3701, Level = LogLevel.Debug, Message = "Target {Host}:{Port} refused by outbound rule {Rule} ({Scope})")]
    public static partial void OutboundRefused(ILogger logger, string host, int port, string rule, string scope);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Information, Message = "Site {Site} banned exit {Exit} (strike {Strikes}, cool-down {Cooldown}, {Source})")]
    public static partial void BanRecorded(ILogger logger, string site, string exit, int strikes, TimeSpan cooldown, BanSource source);
}
