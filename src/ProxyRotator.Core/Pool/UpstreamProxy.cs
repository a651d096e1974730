using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;

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

    /// <summary>Set for a vendor's backconnect gateway (<c>"kind": "backconnect"</c>): its dialect and countries.</summary>
    public BackconnectUpstream? Backconnect { get; init; }

    /// <summary>What traffic through it costs (its own, else its pool's); null when not stated (counted as free).</summary>
    public UpstreamCost? Cost { get; init; }

    /// <summary>
    /// Health checks saw its exit address change between probes. Expected of a backconnect gateway (its sessions hold
    /// the exit); a static upstream like that cannot keep a sticky session's exit, so sticky requests skip it.
    /// </summary>
    public bool IsRotatingExit { get; init; }

    public bool IsBackconnect => Backconnect is not null;

    /// <summary>The cost tier the selector sorts by: <see cref="UpstreamCost.ReferenceRequestCost"/>, 0 when unknown.</summary>
    public decimal CostRank => Cost?.ReferenceRequestCost ?? 0m;

    /// <summary>The country targeting matches against: the verified one where known, else the declared one.</summary>
    public string? EffectiveCountry => VerifiedCountry ?? DeclaredCountry;

    public bool IsEligible => Status is UpstreamStatus.Active or UpstreamStatus.Pending;

    public override string ToString() => $"#{Id} {Endpoint} ({PoolName}, {Type}, {EffectiveCountry ?? "??"}, {Status})";
}
