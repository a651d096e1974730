namespace ProxyRotator.Core.Accounts;

/// <summary>Requests and bytes (up: client to target; down: target to client) for one <see cref="UsageKey"/>.</summary>
public readonly record struct UsageCounts(long Requests, long BytesUp, long BytesDown)
{
    public static UsageCounts operator +(UsageCounts left, UsageCounts right) =>
        new(left.Requests + right.Requests, left.BytesUp + right.BytesUp, left.BytesDown + right.BytesDown);

    public bool IsEmpty => Requests == 0 && BytesUp == 0 && BytesDown == 0;
}
