namespace ProxyRotator.Gateway.Pipeline;

/// <summary>The default <see cref="IRequestCompletionSink"/>: nothing listens.</summary>
internal sealed class NoRequestCompletionSink : IRequestCompletionSink
{
    public void OnCompleted(in RequestSummary summary)
    {
    }
}
