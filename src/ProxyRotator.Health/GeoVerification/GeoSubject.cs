using ProxyRotator.Core.Pool;

namespace ProxyRotator.Health.GeoVerification;

/// <summary>The facts about an upstream that geo verification compares against.</summary>
/// <param name="PreviousExitIp">The exit address seen by the previous successful probe.</param>
/// <param name="RecentExitIps">Exit addresses of recent successful probes, newest first, without the current one.</param>
public sealed record GeoSubject(
    string? DeclaredCountry,
    UpstreamType DeclaredType,
    string? PreviousExitIp,
    string? PreviousVerifiedCountry,
    string? PreviousConnectionType,
    IReadOnlyList<string> RecentExitIps);
