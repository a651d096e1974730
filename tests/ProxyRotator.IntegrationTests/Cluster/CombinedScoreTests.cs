using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Health.Scoring;
using ProxyRotator.IntegrationTests.Support;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// Scores combine the live traffic of every instance: A sees an upstream fail four times in five, B sees it succeed
/// every time; after an exchange both score it from all of it, rather than each from its own share.
/// </summary>
public sealed class CombinedScoreTests
{
    [PostgresFact]
    public async Task TalliesOnTwoInstances_AfterExchange_BothScoreFromAllTraffic()
    {
        await using TwoInstances cluster = await TwoInstances.StartAsync(
            subnet: 65, upstreams: 3, configure: c => c.HealthCheck.Interval = TimeSpan.FromHours(1));
        long upstream = cluster.A.Services.GetRequiredService<IPoolSnapshotSource>().Current.All[2].Id;
        LiveOutcomeRecorder onA = cluster.A.Services.GetRequiredService<LiveOutcomeRecorder>();
        LiveOutcomeRecorder onB = cluster.B.Services.GetRequiredService<LiveOutcomeRecorder>();
        for (int i = 0; i < 40; i++)
        {
            UpstreamOutcomeKind kind = i % 5 == 4 ? UpstreamOutcomeKind.Success : UpstreamOutcomeKind.UpstreamConnectFailed;
            onA.Report(new UpstreamOutcome(upstream, kind, TimeSpan.FromMilliseconds(20), 0, 0));
            onB.Report(new UpstreamOutcome(upstream, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(20), 0, 0));
        }

        double aloneOnA = SuccessRate(cluster.A, upstream);
        double aloneOnB = SuccessRate(cluster.B, upstream);
        ClusterScoreExchange exchangeA = cluster.A.Services.GetRequiredService<ClusterScoreExchange>();
        ClusterScoreExchange exchangeB = cluster.B.Services.GetRequiredService<ClusterScoreExchange>();
        await exchangeA.ExchangeAsync(CancellationToken.None);
        await exchangeB.ExchangeAsync(CancellationToken.None);
        await exchangeA.ExchangeAsync(CancellationToken.None);

        double combinedOnA = SuccessRate(cluster.A, upstream);
        double combinedOnB = SuccessRate(cluster.B, upstream);
        Assert.True(aloneOnA < 0.4 && aloneOnB > 0.9, $"alone: A {aloneOnA:0.00}, B {aloneOnB:0.00}");
        Assert.InRange(combinedOnA, 0.45, 0.75);
        Assert.InRange(combinedOnB, 0.45, 0.75);
        Assert.InRange(Math.Abs(combinedOnA - combinedOnB), 0, 0.1);
    }

    private static double SuccessRate(ProductHost instance, long upstream) =>
        instance.Services.GetRequiredService<UpstreamHealthBook>().Get(upstream)
            .Figures(instance.Services.GetRequiredService<UpstreamScorer>()).SuccessRate ?? double.NaN;
}
