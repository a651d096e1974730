namespace ProxyRotator.Admin.Contracts;

/// <summary>One account's served requests, bytes (both directions) and their cost; <c>pricedRequests</c> went through upstreams with a stated cost.</summary>
public sealed record AccountSpendDto(string Account, long Requests, long Bytes, long PricedRequests, decimal Spend);
