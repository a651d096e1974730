using System.Net;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Policy;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// The pipeline stage for outbound rules (issue 13 §4): the target must pass <c>policy.outbound</c> and then the
/// account's own rules, else 403 <c>target-forbidden</c> (SOCKS5 0x02) with a message naming the rule. Names are judged
/// here; where the gateway resolves a name itself (a local upstream), <see cref="UpstreamTargetResolver"/> judges each
/// address too (<see cref="RefusalOfResolved"/>). With no rules at all it returns at once.
/// </summary>
internal sealed class OutboundRuleStage(ProxyRotatorConfig config, IOutboundRulesSource accounts, ILogger<OutboundRuleStage> logger) : IRequestStage
{
    private readonly OutboundRules _global = config.Policy.Outbound;

    public ValueTask<GatewayAnswer?> InvokeAsync(GatewayRequest request, CancellationToken cancellationToken)
    {
        if (request.IsUdpAssociate || request.Admission?.Targeting is not { } targeting)
        {
            return ValueTask.FromResult<GatewayAnswer?>(null);
        }

        OutboundRules account = accounts.For(targeting.Account);
        if (_global.IsEmpty && account.IsEmpty)
        {
            return ValueTask.FromResult<GatewayAnswer?>(null);
        }

        string host = request.TargetHost;
        int port = request.TargetPort;
        string? rule = _global.Evaluate(host, port);
        string scope = "global";
        if (rule is null)
        {
            rule = account.Evaluate(host, port);
            scope = "account";
        }

        if (rule is not null)
        {
            PolicyLog.OutboundRefused(logger, host, port, rule, scope);
            return ValueTask.FromResult<GatewayAnswer?>(GatewayAnswer.TargetForbidden(Describe(rule, scope, host, port)));
        }

        request.AccountRules = account.HasAddressRules ? account : null;
        return ValueTask.FromResult<GatewayAnswer?>(null);
    }

    /// <summary>The refusal of an address a name resolved to, or null when both rule sets let it pass.</summary>
    public static TargetDecision? RefusalOfResolved(OutboundRules global, OutboundRules? account, string host, IPAddress address)
    {
        string? rule = global.EvaluateResolved(address);
        string scope = "global";
        if (rule is null && account is not null)
        {
            rule = account.EvaluateResolved(address);
            scope = "account";
        }

        return rule is null
            ? null
            : new TargetDecision(TargetRefusalReason.OutboundRule) { Detail = Describe(rule, scope, host + " (" + address + ")", null) };
    }

    /// <summary>"forbidden by the global rule 'deny:example.com'" — the client learns which rule to ask about.</summary>
    private static string Describe(string rule, string scope, string target, int? port)
    {
        string where = scope == "global" ? "the global outbound rule" : "the account's outbound rule";
        string what = port is { } p ? $"{target}:{p}" : target;
        return rule switch
        {
            "allow" => $"target {what} forbidden by {where}s: no allow rule matches it",
            "allow:port" => $"target {what} forbidden by {where}s: no allow rule matches port {port}",
            _ => $"target {what} forbidden by {where} '{rule}'",
        };
    }
}
