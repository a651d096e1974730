namespace ProxyRotator.Gateway.Routing;

/// <summary>The result of one attempt, as the failover pipeline sees it.</summary>
public readonly record struct AttemptOutcome(AttemptStatus Status, GatewayFailure Failure, byte? SocksReply = null)
{
    public static AttemptOutcome Success { get; } = new(AttemptStatus.Succeeded, GatewayFailure.None);

    public static AttemptOutcome Retry(GatewayFailure failure) => new(AttemptStatus.Retryable, failure);

    public static AttemptOutcome Stop(GatewayFailure failure, byte? socksReply = null) => new(AttemptStatus.Final, failure, socksReply);

    public bool IsSuccess => Status == AttemptStatus.Succeeded;

    public GatewayAnswer Answer => GatewayAnswer.For(Failure, SocksReply);
}
