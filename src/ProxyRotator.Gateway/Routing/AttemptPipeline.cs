using Polly;
using Polly.Retry;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// Failover as a Polly pipeline: an attempt that ends <see cref="AttemptStatus.Retryable"/> is repeated at once
/// (each attempt picks a new upstream itself) until <c>gateway.maxAttempts</c> attempts were made.
/// </summary>
public sealed class AttemptPipeline
{
    private readonly ResiliencePipeline<AttemptOutcome> _pipeline;

    public AttemptPipeline(ProxyRotatorConfig config)
    {
        var builder = new ResiliencePipelineBuilder<AttemptOutcome>();
        int retries = config.Gateway.MaxAttempts - 1;
        if (retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptOutcome>
            {
                Name = "gateway-failover",
                MaxRetryAttempts = retries,
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is null && args.Outcome.Result.Status == AttemptStatus.Retryable),
            });
        }

        _pipeline = builder.Build();
    }

    public ValueTask<AttemptOutcome> ExecuteAsync<TState>(Func<TState, CancellationToken, ValueTask<AttemptOutcome>> attempt, TState state, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(attempt, state, cancellationToken);
}
