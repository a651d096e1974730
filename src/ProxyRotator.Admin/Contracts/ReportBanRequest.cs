namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// <c>POST /api/bans</c>: a client saw a ban inside a tunnel. <see cref="Site"/> is a host name, URL or domain (it is
/// reduced to its registrable domain); the exit is named by exactly one of <see cref="UpstreamId"/> (the
/// <c>X-ProxyRotator-Upstream</c> it got), <see cref="ExitIp"/>, or <see cref="Session"/> (<c>account:sessionId</c>).
/// </summary>
public sealed record ReportBanRequest(string? Site, long? UpstreamId, string? ExitIp, string? Session, string? Reason);
