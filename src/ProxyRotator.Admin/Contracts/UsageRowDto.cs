namespace ProxyRotator.Admin.Contracts;

/// <summary>
/// One account's usage through one pool (<c>-</c>: refused before an upstream was picked) on one UTC day: requests
/// (served and failed), bytes up (client to target) and down, and failed requests by kind (the error code).
/// </summary>
public sealed record UsageRowDto(
    string Account,
    string Pool,
    DateOnly Day,
    long Requests,
    long BytesUp,
    long BytesDown,
    IReadOnlyDictionary<string, long> Failures);
