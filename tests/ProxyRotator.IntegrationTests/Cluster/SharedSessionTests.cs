using System.Net;
using ProxyRotator.Core.Cluster;
using ProxyRotator.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ProxyRotator.IntegrationTests.Cluster;

/// <summary>
/// Sticky sessions across two instances on one PostgreSQL database: a session bound on A is honoured on B, and a new
/// session bound on both at the same moment gets one upstream (first writer wins, the other follows it).
/// </summary>
public sealed class SharedSessionTests
{
    [PostgresFact]
    public async Task SessionBoundOnA_RequestsOnB_SameUpstream()
    {
        await using TwoInstances cluster = await TwoInstances.StartAsync(subnet: 61);
        for (int i = 0; i < 5; i++)
        {
            string user = $"{TestConfigs.User}-session-handover{i}";
            (HttpStatusCode status, long? onA) = await cluster.SendAsync(cluster.A, user);
            Assert.Equal(HttpStatusCode.OK, status);

            (HttpStatusCode statusB, long? onB) = await cluster.SendAsync(cluster.B, user);
            (_, long? againOnB) = await cluster.SendAsync(cluster.B, user);

            Assert.Equal(HttpStatusCode.OK, statusB);
            Assert.Equal(onA, onB);
            Assert.Equal(onA, againOnB);
        }

        Assert.True(cluster.B.Services.GetRequiredService<ClusterMetrics>().SessionBindsLost >= 5);
    }

    [PostgresFact]
    public async Task NewSessionOnBothAtOnce_BothGetTheSameUpstream()
    {
        await using TwoInstances cluster = await TwoInstances.StartAsync(subnet: 62, upstreams: 12);
        for (int round = 0; round < 12; round++)
        {
            string user = $"{TestConfigs.User}-session-together{round}";
            Task<(HttpStatusCode, long?)> onA = cluster.SendAsync(cluster.A, user);
            Task<(HttpStatusCode, long?)> onB = cluster.SendAsync(cluster.B, user);
            (HttpStatusCode, long?)[] both = await Task.WhenAll(onA, onB);

            Assert.All(both, r => Assert.Equal(HttpStatusCode.OK, r.Item1));
            Assert.Equal(both[0].Item2, both[1].Item2);
        }
    }
}
