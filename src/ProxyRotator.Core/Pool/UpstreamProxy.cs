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
