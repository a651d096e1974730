using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Diagnostics;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Security;
using ProxyRotator.Gateway.Upstreams;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// Opens a raw tunnel to host:port for CONNECT and SOCKS5 clients, failing over to other upstreams while
/// nothing has reached the client yet. Every attempt is reported to the outcome sink and counted in the
/// upstream's load for as long as it is used.
/// </summary>
public sealed class TunnelDialer(
    UpstreamRouter router,
    UpstreamConnector connector,
    AttemptPipeline pipeline,
    IUpstreamOutcomeSink outcomes,
    TimeProvider timeProvider,
    GatewayMetrics metrics,
    UpstreamTargetResolver targets,
    ILogger<TunnelDialer> logger)
{
    public async ValueTask<TunnelDial> DialAsync(UpstreamRoute route, string host, int port, CancellationToken cancellationToken)
    {
        var state = new DialState(this, route, host, port);
        AttemptOutcome outcome = await pipeline.ExecuteAsync(
            static (s, ct) => s.Owner.AttemptAsync(s, ct), state, cancellationToken).ConfigureAwait(false);
        if (!outcome.IsSuccess)
        {
            GatewayLog.RequestFailed(logger, route.AttemptCount, outcome.Failure);
            metrics.RecordRequest(route.Query.Pool, outcome.Answer.ErrorCode);
        }

        return new TunnelDial(outcome, state.Connection, state.Upstream, state.StartTimestamp);
    }

    /// <summary>Reports the end of a tunnel and releases the upstream's load count.</summary>
    public void Complete(TunnelDial dial, in RelayResult result)
    {
        if (dial.Upstream is not { } upstream)
        {
            return;
        }

        bool upstreamFault = result.End == RelayEnd.UpstreamFailed;
        upstream.Load.Exit(upstreamFault);
        metrics.RecordRequest(upstream.PoolName, upstreamFault ? GatewayErrorCode.UpstreamFailed : null);
        UpstreamOutcomeKind kind = upstreamFault ? UpstreamOutcomeKind.UpstreamError : UpstreamOutcomeKind.Success;
        outcomes.Report(new UpstreamOutcome(upstream.Id, kind, timeProvider.GetElapsedTime(dial.StartTimestamp), result.BytesFromClient, result.BytesToClient));
        GatewayLog.TunnelEnded(logger, upstream.Id, result.End, result.BytesFromClient, result.BytesToClient);
    }

    private async ValueTask<AttemptOutcome> AttemptAsync(DialState state, CancellationToken cancellationToken)
    {
        UpstreamRoute route = state.Route;
        PickResult pick = router.PickNext(route);
        if (pick.Upstream is not { } upstream)
        {
            return route.LastFailure is { } last && pick.Failure != GatewayFailure.SessionLost
                ? last with { Status = AttemptStatus.Final }
                : AttemptOutcome.Stop(pick.Failure);
        }

        TargetResolution resolution = await targets.ResolveAsync(upstream, state.Host, state.Port, cancellationToken).ConfigureAwait(false);
        if (resolution.Host is not { } dialHost)
        {
            return TargetResolutionOutcome(resolution);
        }

        upstream.Load.Enter();
        long start = timeProvider.GetTimestamp();
        try
        {
            UpstreamConnection connection = await connector.ConnectAsync(upstream, dialHost, state.Port, cancellationToken).ConfigureAwait(false);
            try
            {
                await router.CommitAsync(route, upstream, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            state.Connection = connection;
            state.Upstream = upstream;
            state.StartTimestamp = start;
            return AttemptOutcome.Success;
        }
        catch (Exception ex) when (ex is UpstreamConnectException or IOException or System.Net.Sockets.SocketException)
        {
            UpstreamOutcomeKind kind = ex is UpstreamConnectException connectFailure ? connectFailure.Kind : UpstreamOutcomeKind.UpstreamConnectFailed;
            upstream.Load.Exit(failed: kind != UpstreamOutcomeKind.TargetError);
            outcomes.Report(new UpstreamOutcome(upstream.Id, kind, timeProvider.GetElapsedTime(start), 0, 0));
            GatewayLog.AttemptFailed(logger, route.AttemptCount, upstream.Id, kind);
            AttemptOutcome failure = kind switch
            {
                UpstreamOutcomeKind.TargetError => AttemptOutcome.Stop(GatewayFailure.TargetUnreachable, (byte)((UpstreamConnectException)ex).SocksReply),
                UpstreamOutcomeKind.UpstreamTimeout => AttemptOutcome.Retry(GatewayFailure.UpstreamTimeout),
                _ => AttemptOutcome.Retry(GatewayFailure.UpstreamFailed),
            };
            if (failure.Status == AttemptStatus.Retryable && !router.MayFailOver(route))
            {
                failure = AttemptOutcome.Stop(GatewayFailure.SessionLost);
            }

            route.LastFailure = failure;
            return failure;
        }
        catch (Exception)
        {
            // Cancelled by the client, or a failure that is not the upstream's (e.g. the session store).
            upstream.Load.Exit(failed: false);
            outcomes.Report(new UpstreamOutcome(upstream.Id, UpstreamOutcomeKind.ClientAborted, timeProvider.GetElapsedTime(start), 0, 0));
            throw;
        }
    }

    /// <summary>The target's fault, never the upstream's: refused after resolution (403) or not resolvable (502).</summary>
    internal static AttemptOutcome TargetResolutionOutcome(in TargetResolution resolution) => resolution.IsRefused
        ? AttemptOutcome.Stop(GatewayFailure.TargetForbidden)
        : AttemptOutcome.Stop(GatewayFailure.TargetUnreachable, 0x04);

    private sealed class DialState(TunnelDialer owner, UpstreamRoute route, string host, int port)
    {
        public TunnelDialer Owner { get; } = owner;
        public UpstreamRoute Route { get; } = route;
        public string Host { get; } = host;
        public int Port { get; } = port;
        public UpstreamConnection? Connection { get; set; }
        public UpstreamProxy? Upstream { get; set; }
        public long StartTimestamp { get; set; }
    }
}
