namespace ProxyRotator.Gateway.Pipeline;

/// <summary>
/// Told once about every request or tunnel when it ends, whatever its protocol and whether it was served or not
/// (access logs, traces). Called on the request path: must not block or do I/O (queue work for a background
/// writer). The default does nothing, and the pipeline does not even build the summary then.
/// </summary>
public interface IRequestCompletionSink
{
    void OnCompleted(in RequestSummary summary);
}
