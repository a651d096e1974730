namespace ProxyRotator.Admin.Contracts;

/// <summary>An account's limits; null is unlimited. Bytes count up plus down, per UTC day and UTC calendar month.</summary>
public sealed record AccountLimitsDto(int? MaxConcurrent = null, int? RequestsPerSecond = null, long? BytesPerDay = null, long? BytesPerMonth = null);
