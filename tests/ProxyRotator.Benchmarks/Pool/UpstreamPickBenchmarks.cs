using BenchmarkDotNet.Attributes;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Benchmarks.Pool;

/// <summary>
/// One pick over a pool of 1,000 or 100,000 upstreams (target: under 1 µs and 0 B allocated at 100k), for an
/// unfiltered query and a country+type query, with the candidate lists already cached in the snapshot as they are
/// after the first request of each kind.
/// </summary>
[MemoryDiagnoser]
public class UpstreamPickBenchmarks
{
    private static readonly string[] _countries = ["DE", "US", "FR", "GB", "NL", "PL", "IT", "ES", "BR", "JP"];

    private readonly UpstreamSelector _selector = new();
    private readonly long[] _excluded = [3, 5];
    private PoolSnapshot _snapshot = PoolSnapshot.Empty;
    private UpstreamQuery _any;
    private UpstreamQuery _targeted;

    [Params(1_000, 100_000)]
    public int Upstreams { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var upstreams = new UpstreamProxy[Upstreams];
        for (int i = 0; i < upstreams.Length; i++)
        {
            upstreams[i] = new UpstreamProxy
            {
                Id = i + 1,
                PoolName = i % 3 == 0 ? "dc" : "res",
                Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}", 8000, "u", "p"),
                Type = (UpstreamType)(i % 4),
                Status = i % 10 == 0 ? UpstreamStatus.Pending : UpstreamStatus.Active,
                DeclaredCountry = _countries[i % _countries.Length],
                VerifiedCountry = i % 2 == 0 ? _countries[i % _countries.Length] : null,
                Score = (i % 100) / 100.0,
            };
        }

        _snapshot = new PoolSnapshot(upstreams, 1);
        PoolAccess access = PoolAccess.Of(["res", "dc"]);
        _any = new UpstreamQuery(null, null, null, null, false, access);
        // Mobile (i % 4 == 1) in US (i % 10 == 1): 1 in 20 upstreams.
        _targeted = new UpstreamQuery(null, UpstreamType.Mobile, "US", null, false, access);

        // Warm the per-snapshot candidate cache, as the first request of each kind does.
        _selector.Pick(_snapshot, _any, []);
        _selector.Pick(_snapshot, _targeted, []);
    }

    [Benchmark(Baseline = true)]
    public UpstreamProxy? PickAny() => _selector.Pick(_snapshot, _any, []);

    [Benchmark]
    public UpstreamProxy? PickCountryAndType() => _selector.Pick(_snapshot, _targeted, []);

    [Benchmark]
    public UpstreamProxy? PickWithExclusions() => _selector.Pick(_snapshot, _targeted, _excluded);
}
