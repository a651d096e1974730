namespace ProxyRotator.Admin.Contracts;

/// <summary>Attempts through one upstream since the server started (<see cref="Requests"/> counts attempts).</summary>
public sealed record UpstreamTrafficDto(long Id, string? Pool, long Requests, long Failures, long BytesIn, long BytesOut);
