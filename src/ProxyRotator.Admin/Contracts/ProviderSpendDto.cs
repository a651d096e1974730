namespace ProxyRotator.Admin.Contracts;

/// <summary>One provider's (a backconnect dialect, or <c>static</c>) traffic in one pool and its cost.</summary>
public sealed record ProviderSpendDto(string Provider, string Pool, long Requests, long Bytes, long PricedRequests, decimal Spend);
