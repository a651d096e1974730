namespace ProxyRotator.Admin.Contracts;

public sealed record PoolTrafficDto(string Pool, long Requests, long Failures, long Retries, long BytesIn, long BytesOut);
