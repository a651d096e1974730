using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Health.Jobs;
using ProxyRotator.Health.LiveOutcomes;
using ProxyRotator.Hosting;
using ProxyRotator.Simulation.Origin;
using ProxyRotator.Simulation.Upstreams;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using Quartz;

namespace ProxyRotator.IntegrationTests.Health;

/// <summary>
/// The whole product as <c>serve</c> builds it (composition root, Quartz, real clock) with a short health interval:
/// an upstream that goes down and comes back changes status in the database and in the gateway's snapshot within a
/// few intervals, without a restart.
/// </summary>
public sealed class HealthJobHostingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Serve_UpstreamGoesDownAndComesBack_StatusFollowsWithoutRestart()
    {
        string folder = Path.Combine(Path.GetTempPath(), "proxyrotator-health-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using IpEchoOrigin origin = await IpEchoOrigin.StartAsync();
        await using SimulatedUpstreamProxy proxy = SimulatedUpstreamProxy.Start(new SimulatedUpstreamOptions
        {
            ListenAddress = IPAddress.Parse("127.0.4.81"),
            Username = "u",
            Password = "p",
        });
        var config = new ProxyRotatorConfig
        {
            Database = $"Data Source={Path.Combine(folder, "serve.db")};Pooling=False",
            Admin = new AdminOptions { Listen = "127.0.0.1:0", ApiKey = "test-key-0123456789" },
            // A free port: the default 127.0.0.1:8080 may be taken by anything else on the machine.
            Gateway = new GatewayOptions { Listen = ["127.0.0.1:0"] },
            HealthCheck = new HealthCheckOptions
            {
                Url = origin.HttpUrl.ToString(),
                Interval = TimeSpan.FromMilliseconds(200),
                Timeout = TimeSpan.FromSeconds(2),
                QuarantineAfterFailures = 2,
                ReviveAfterSuccesses = 2,
                MaxBackoff = TimeSpan.FromMilliseconds(800),
            },
            Pools = [new PoolOptions { Name = "res", Type = UpstreamType.Residential, Proxies = [new ProxyEntryOptions { Endpoint = proxy.Endpoint }] }],
        };

        try
        {
            await using ProxyRotatorApp app = ProxyRotatorApp.Create(config, new ProxyRotatorAppOptions { MinimumLogLevel = LogLevel.Warning });
            // The gateway reports through the metrics, which hand every outcome on to health's recorder.
            Assert.IsType<MeteringOutcomeSink>(app.Services.GetRequiredService<IUpstreamOutcomeSink>());
            Assert.NotNull(app.Services.GetRequiredService<LiveOutcomeRecorder>());
            await app.StartAsync(CancellationToken.None);

            IScheduler scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            Assert.True(await scheduler.Exists(HealthCheckJob.Key));
            Assert.True(await scheduler.Exists(SessionSweepJob.Key));
            Assert.NotNull(await scheduler.GetTrigger(HealthCheckJob.TriggerKey));

            long id = await WaitForStatusAsync(app, UpstreamStatus.Active);
            proxy.Fault = SimulatedFault.Refuse;
            await WaitForStatusAsync(app, UpstreamStatus.Quarantined);
            proxy.Fault = SimulatedFault.None;
            await WaitForStatusAsync(app, UpstreamStatus.Active, afterQuarantine: true);

            await using ProxyRotatorDbContext db = await app.Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>().CreateDbContextAsync();
            List<UpstreamStatusTransitionEntity> transitions = await db.UpstreamStatusTransitions.Where(t => t.UpstreamId == id).OrderBy(t => t.Id).ToListAsync();
            Assert.Equal(
                [UpstreamStatus.Pending, UpstreamStatus.Active, UpstreamStatus.Quarantined, UpstreamStatus.Active],
                transitions.Select(t => t.To));
            Assert.True(await db.HealthCheckResults.CountAsync(r => r.UpstreamId == id) >= 5); // 1 to activate, 2 to quarantine, 2 to revive

            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    /// <summary>Polls the database and the gateway's snapshot until both show <paramref name="status"/>.</summary>
    private static async Task<long> WaitForStatusAsync(ProxyRotatorApp app, UpstreamStatus status, bool afterQuarantine = false)
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<ProxyRotatorDbContext>>();
        var snapshots = app.Services.GetRequiredService<IPoolSnapshotSource>();
        using var deadline = new CancellationTokenSource(Deadline);
        UpstreamEntity? upstream = null;
        while (!deadline.IsCancellationRequested)
        {
            await using (ProxyRotatorDbContext db = await contexts.CreateDbContextAsync())
            {
                upstream = await db.Upstreams.AsNoTracking().SingleAsync();
            }

            bool inSnapshot = snapshots.Current.TryGet(upstream.Id, out UpstreamProxy? seen) && seen!.Status == status;
            if (upstream.Status == status && inSnapshot && (!afterQuarantine || upstream.FailedRechecks == 0))
            {
                return upstream.Id;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"upstream still {upstream?.Status} ({upstream?.StatusReason}) after {Deadline}, expected {status}");
    }
}
