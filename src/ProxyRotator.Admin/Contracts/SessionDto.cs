namespace ProxyRotator.Admin.Contracts;

/// <summary>A sticky session. <see cref="Id"/> is <c>account:sessionId</c>, the value <c>DELETE /api/sessions/{id}</c> takes.</summary>
public sealed record SessionDto(
    string Id,
    string Account,
    string SessionId,
    long UpstreamId,
    string? ExitIp,
    string Mode,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset LastUsedAt);
