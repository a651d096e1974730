using System.Net;
using System.Net.Sockets;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Policy;
using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.Gateway.Security;

/// <summary>
/// Decides, per attempt, who resolves a target name. An upstream on the gateway's own host or network (its address
/// is loopback, private or link-local, or it is marked <c>"local": true</c>) would resolve hosts-file aliases and
/// internal names to addresses the target policy refuses, so for it the gateway resolves the name itself, judges
/// every address and hands the upstream one checked address: one resolution, so no DNS rebinding between check
/// and connect. A remote upstream gets the name unchanged and resolves it on its own network (geo-correct DNS).
/// </summary>
public sealed class UpstreamTargetResolver
{
    private readonly TargetPolicy _policy;
    private readonly ITargetNameResolver _names;
    private readonly HashSet<string> _localPools;
    private readonly HashSet<string> _localEndpoints;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly OutboundRules _globalRules;

    /// <param name="timeProvider">Times the look-up: it shares <c>gateway.connectTimeout</c> with the connect it precedes.</param>
    public UpstreamTargetResolver(TargetPolicy policy, ProxyRotatorConfig config, ITargetNameResolver names, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(names);
        _policy = policy;
        _names = names;
        _timeout = config.Gateway.ConnectTimeout;
        _globalRules = config.Policy.Outbound;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _localPools = new HashSet<string>(config.Pools.Where(p => p.Local).Select(p => p.Name), StringComparer.Ordinal);
        _localEndpoints = new HashSet<string>(
            config.Pools.SelectMany(p => p.Proxies).Where(e => e.Local).Select(e => e.Endpoint.Address), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="upstream"/> resolves names where the gateway's own services are reachable.</summary>
    public bool IsLocal(UpstreamProxy upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        if (_localPools.Contains(upstream.PoolName) || _localEndpoints.Contains(upstream.Endpoint.Address))
        {
            return true;
        }

        string host = upstream.Endpoint.Host.Trim('[', ']').TrimEnd('.');
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            return TargetPolicy.Classify(address) != TargetRefusalReason.None;
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The host to hand <paramref name="upstream"/> for a target the policy already allowed by name.
    /// Never throws for client input: a name that does not resolve is <see cref="TargetResolution.Unresolved"/>.
    /// Every address the name resolves to must also pass the address rules of <c>policy.outbound</c> and
    /// <paramref name="accountRules"/> (the outbound rules judged the name already).
    /// </summary>
    public async ValueTask<TargetResolution> ResolveAsync(UpstreamProxy upstream, string host, int port, CancellationToken cancellationToken, OutboundRules? accountRules = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        string bare = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out _) || !IsLocal(upstream))
        {
            return new TargetResolution(host, TargetDecision.Allow);
        }

        IPAddress[] addresses;
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            addresses = await _names.ResolveAsync(bare.TrimEnd('.'), linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException
            || (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return TargetResolution.Unresolved;
        }

        IPAddress? chosen = null;
        foreach (IPAddress address in addresses)
        {
            TargetDecision decision = _policy.Evaluate(address, port);
            if (!decision.IsAllowed)
            {
                // Every address must pass: a name with one public and one loopback address is refused.
                return new TargetResolution(null, decision);
            }

            if (OutboundRuleStage.RefusalOfResolved(_globalRules, accountRules, host, address) is { } refused)
            {
                return new TargetResolution(null, refused);
            }

            // IPv4 first: an upstream may have no IPv6 route.
            if (chosen is null || (chosen.AddressFamily != AddressFamily.InterNetwork && address.AddressFamily == AddressFamily.InterNetwork))
            {
                chosen = address;
            }
        }

        if (chosen is null)
        {
            return TargetResolution.Unresolved;
        }

        IPAddress dial = TargetPolicy.Normalize(chosen);
        return new TargetResolution(dial.ToString(), TargetDecision.Allow);
    }
}
