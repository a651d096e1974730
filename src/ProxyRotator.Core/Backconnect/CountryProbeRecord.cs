namespace ProxyRotator.Core.Backconnect;

/// <summary>Probe results of one backconnect upstream in one country.</summary>
public sealed record CountryProbeRecord(int ConsecutiveFailures, int Successes, int Failures, string? LastError, DateTimeOffset LastCheckedAt);
