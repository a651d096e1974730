namespace ProxyRotator.Core.Accounts;

/// <summary>
/// What one account may use; null means unlimited. Bytes count both directions (client to target plus target to
/// client), per UTC day and per UTC calendar month.
/// </summary>
/// <param name="MaxConcurrent">Requests and tunnels in flight at once (a tunnel is one connection for its whole life).</param>
/// <param name="RequestsPerSecond">Sustained requests per second (a token bucket holding one second's worth).</param>
/// <param name="BytesPerDay">Bytes up plus down per UTC day.</param>
/// <param name="BytesPerMonth">Bytes up plus down per UTC calendar month.</param>
public sealed record AccountLimits(int? MaxConcurrent = null, int? RequestsPerSecond = null, long? BytesPerDay = null, long? BytesPerMonth = null)
{
    public static AccountLimits None { get; } = new();

    public bool HasByteQuota => BytesPerDay is not null || BytesPerMonth is not null;

    /// <summary>The first problem with the values, or null when they are valid.</summary>
    public string? Validate() =>
        MaxConcurrent is <= 0 ? "maxConcurrent must be at least 1"
        : RequestsPerSecond is <= 0 ? "requestsPerSecond must be at least 1"
        : BytesPerDay is < 0 ? "bytesPerDay must not be negative"
        : BytesPerMonth is < 0 ? "bytesPerMonth must not be negative"
        : null;
}
