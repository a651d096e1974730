using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Policy;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Policy;
using ProxyRotator.Gateway.Routing;

namespace ProxyRotator.Benchmarks.Gateway;

/// <summary>
/// Per-request cost of the policy stages (issue 13 §4-6) with 10,000 accounts that each carry outbound rules: the
/// outbound-rule stage, the ban/exclusive stage with no bans anywhere (the common case: target under 1 µs and 0 B),
/// the same stage for a site that has bans (it makes one small avoidance object), and a pick over 1,000 upstreams
/// without and with that avoidance.
/// </summary>
[MemoryDiagnoser]
public class PolicyStageBenchmarks
{
    private const int Accounts = 10_000;

    private OutboundRuleStage _rules = null!;
    private OutboundRuleStage _noRules = null!;
    private SiteAvoidanceStage _avoidanceNoBans = null!;
    private SiteAvoidanceStage _avoidanceWithBans = null!;
    private GatewayRequest _request = null!;
    private GatewayRequest _bannedSiteRequest = null!;
    private readonly UpstreamSelector _selector = new();
    private PoolSnapshot _snapshot = PoolSnapshot.Empty;
    private UpstreamQuery _query;
    private IUpstreamAvoidance _avoidance = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = new ProxyRotatorConfig();
        config.Policy.Outbound = OutboundRules.Parse(null, ["blocked.example", "*.ads.example", "tracker*.example", "10.0.0.0/8", "port:25"]);
        for (int i = 0; i < Accounts; i++)
        {
            config.Users.Add(new UserOptions
            {
                Name = "acct" + i,
                Password = "pw",
                Outbound = OutboundRules.Parse(["port:80", "port:443"], ["competitor" + i + ".example", "*.internal.example"]),
            });
        }

        var upstreams = new UpstreamProxy[1_000];
        for (int i = 0; i < upstreams.Length; i++)
        {
            upstreams[i] = new UpstreamProxy
            {
                Id = i + 1,
                PoolName = "res",
                Endpoint = new UpstreamEndpoint(UpstreamScheme.Http, $"10.0.{i >> 8}.{i & 255}", 8000, "u", "p"),
                Type = UpstreamType.Residential,
                Status = UpstreamStatus.Active,
                ExitIp = $"198.51.{i >> 8}.{i & 255}",
            };
        }

        _snapshot = new PoolSnapshot(upstreams, 1);
        _query = new UpstreamQuery(null, null, null, null, false, PoolAccess.All);
        var pool = new FixedPool(_snapshot);
        var ledger = new ExclusiveExitLedger(config, TimeProvider.System);

        _rules = new OutboundRuleStage(config, new ConfigOutboundRulesSource(config), NullLogger<OutboundRuleStage>.Instance);
        _noRules = new OutboundRuleStage(new ProxyRotatorConfig(), new ConfigOutboundRulesSource(new ProxyRotatorConfig()), NullLogger<OutboundRuleStage>.Instance);
        _avoidanceNoBans = new SiteAvoidanceStage(new SiteBanList(config.Policy.Bans, TimeProvider.System), ledger, pool, null, NullLogger<SiteAvoidanceStage>.Instance);

        var bans = new SiteBanList(config.Policy.Bans, TimeProvider.System);
        for (int i = 0; i < 100; i++)
        {
            bans.Report("shop.example", ExitKey.Of(upstreams[i * 7]), BanSource.Detected, null);
        }

        _avoidanceWithBans = new SiteAvoidanceStage(bans, ledger, pool, null, NullLogger<SiteAvoidanceStage>.Instance);
        _request = Request("acct4242", "www.news.example");
        _bannedSiteRequest = Request("acct4242", "www.shop.example");
        _ = Completed(_avoidanceWithBans.InvokeAsync(_bannedSiteRequest, CancellationToken.None));
        _avoidance = _bannedSiteRequest.Avoidance!;
        _selector.Pick(_snapshot, _query, []);
    }

    [Benchmark]
    public GatewayAnswer? OutboundRules_None() => Completed(_noRules.InvokeAsync(_request, CancellationToken.None));

    [Benchmark]
    public GatewayAnswer? OutboundRules_GlobalAndAccount() => Completed(_rules.InvokeAsync(_request, CancellationToken.None));

    [Benchmark]
    public GatewayAnswer? SiteAvoidance_NoBans() => Completed(_avoidanceNoBans.InvokeAsync(_request, CancellationToken.None));

    [Benchmark]
    public GatewayAnswer? SiteAvoidance_SiteWithBans()
    {
        _bannedSiteRequest.Avoidance = null;
        return Completed(_avoidanceWithBans.InvokeAsync(_bannedSiteRequest, CancellationToken.None));
    }

    [Benchmark(Baseline = true)]
    public UpstreamProxy? Pick_NoAvoidance() => _selector.Pick(_snapshot, _query, [], null);

    [Benchmark]
    public UpstreamProxy? Pick_SiteWithBans() => _selector.Pick(_snapshot, _query, [], _avoidance);

    /// <summary>The stages complete synchronously on these paths (no flag to report, nothing to await).</summary>
    private static GatewayAnswer? Completed(ValueTask<GatewayAnswer?> stage) =>
        stage.IsCompletedSuccessfully ? stage.Result : throw new InvalidOperationException("the stage did not complete synchronously");

    private static GatewayRequest Request(string account, string host)
    {
        GatewayRequest request = GatewayRequest.ForTunnel(GatewayProtocol.Connect, client: null, startTimestamp: 0);
        request.SetTarget(host, 443);
        request.Admission = AdmissionResult.Admitted(new TargetingParameters { Account = account }, PoolAccess.All);
        return request;
    }

    private sealed class FixedPool(PoolSnapshot snapshot) : IPoolSnapshotSource
    {
        public PoolSnapshot Current => snapshot;

        public Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
