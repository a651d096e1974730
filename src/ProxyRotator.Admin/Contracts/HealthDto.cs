namespace ProxyRotator.Admin.Contracts;

/// <summary><c>GET /healthz</c>.</summary>
public sealed record HealthDto(string Status, int Upstreams, int Eligible);
