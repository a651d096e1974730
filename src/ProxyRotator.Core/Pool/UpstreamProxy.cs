namespace ProxyRotator.Core.Pool;

/// <summary>
/// One upstream as the gateway sees it in a <see cref="PoolSnapshot"/>: immutable facts plus a reference to its
/// live <see cref="UpstreamLoad"/>, which is shared between snapshots so in-flight counts survive a rebuild.
/// </summary>
public sealed class UpstreamProxy
{
    public required long Id { get; init; }
    public required string PoolName { get; init; }
    public required UpstreamEndpoint Endpoint { get; init; }
    public required UpstreamType Type { get; init; }
    public required UpstreamStatus Status { get; init; }

    /// <summary>ISO 3166-1 alpha-2, upper case, as tagged in the configuration or by the provider.</summary>
    public string? DeclaredCountry { get; init; }

    /// <summary>Lower case with <c>_</c> for spaces.</summary>
    public string? City { get; init; }

    /// <summary>Country of the exit IP according to GeoIP, when known.</summary>
    public string? VerifiedCountry { get; init; }

    public string? ExitIp { get; init; }

    /// <summary>Health score in [0,1]; 0.5 for an unchecked upstream.</summary>
    public double Score { get; init; } = 0.5;

    public UpstreamLoad Load { get; init; } = new();

    /// <summary>The country targeting matches against: the verified one where known, else the declared one.</summary>
    public string? EffectiveCountry => VerifiedCountry ?? DeclaredCountry;

    public bool IsEligible => Status is UpstreamStatus.Active or UpstreamStatus.Pending;

    public override string ToString() => $"#{Id} {Endpoint} ({PoolName}, {Type}, {EffectiveCountry ?? "??"}, {Status})";
}
