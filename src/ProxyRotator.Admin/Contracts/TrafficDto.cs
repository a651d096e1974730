namespace ProxyRotator.Admin.Contracts;

/// <summary>Traffic since the server started, for the whole gateway or one pool.</summary>
public sealed record TrafficDto(long Requests, long Failures, long Retries, long BytesIn, long BytesOut);
