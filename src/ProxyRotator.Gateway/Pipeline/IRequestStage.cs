namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// A stage a feature adds to every request, whatever its protocol (quotas, rate limits, outbound rules). Stages
/// run in the order they were registered in DI, after admission and the target policy and before routing; the
/// request carries the account and targeting (<see cref="GatewayRequest.Admission"/>) and the target. Return an
/// answer to refuse the request (each front end renders it), or null to let it continue. Keep it cheap: it runs on
/// every request.
/// </summary>
public interface IRequestStage
{
    ValueTask<GatewayAnswer?> InvokeAsync(GatewayRequest request, CancellationToken cancellationToken);
}
