using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// One upstream as the gateway sees it in a <see cref="PoolSnapshot"/>: immutable membership and tags plus a
/// reference to its mutable <see cref="UpstreamRuntimeState"/> (status, score, exit IP, load), which is shared between
/// snapshots and changes in place. <see cref="Status"/>, <see cref="Score"/> and <see cref="ExitIp"/> read it.
/// </summary>
public sealed class UpstreamProxy
{
    private UpstreamRuntimeState? _runtime;
    private bool _runtimeGiven;

    public required long Id { get; init; }
    public required string PoolName { get; init; }
    public required UpstreamEndpoint Endpoint { get; init; }
    public required UpstreamType Type { get; init; }

    /// <summary>The current status (runtime state). Given at construction, it seeds a runtime state of this upstream's own.</summary>
    public UpstreamStatus Status
    {
        get => Runtime.Status;
        init => Seed(value, _runtime?.Score ?? 0.5, _runtime?.ExitIp);
    }

    /// <summary>ISO 3166-1 alpha-2, upper case, as tagged in the configuration or by the provider.</summary>
    public string? DeclaredCountry { get; init; }

    /// <summary>Lower case with <c>_</c> for spaces.</summary>
    public string? City { get; init; }

    /// <summary>Country of the exit IP according to GeoIP, when known (a tag: targeting indexes it).</summary>
    public string? VerifiedCountry { get; init; }

    /// <summary>The exit IP last seen (runtime state).</summary>
    public string? ExitIp
    {
        get => Runtime.ExitIp;
        init => Seed(_runtime?.Status ?? UpstreamStatus.Pending, _runtime?.Score ?? 0.5, value);
    }

    /// <summary>Health score in [0,1]; 0.5 for an unchecked upstream (runtime state).</summary>
    public double Score
    {
        get => Runtime.Score;
        init => Seed(_runtime?.Status ?? UpstreamStatus.Pending, value, _runtime?.ExitIp);
    }

    /// <summary>The live state, shared by every snapshot that contains this upstream. When given, it wins over the seeds above.</summary>
    public UpstreamRuntimeState Runtime
    {
        get => _runtime ?? EnsureRuntime();
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _runtime = value;
            _runtimeGiven = true;
        }
    }

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

    public bool IsEligible => Runtime.IsEligible;

    public override string ToString() => $"#{Id} {Endpoint} ({PoolName}, {Type}, {EffectiveCountry ?? "??"}, {Status})";

    private void Seed(UpstreamStatus status, double score, string? exitIp)
    {
        if (!_runtimeGiven)
        {
            _runtime = new UpstreamRuntimeState(status, score, exitIp: exitIp);
        }
    }

    private UpstreamRuntimeState EnsureRuntime()
    {
        Interlocked.CompareExchange(ref _runtime, new UpstreamRuntimeState(), null);
        return _runtime!;
    }
}
