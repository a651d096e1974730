namespace ProxyRotator.Gateway.Observability;

/// <summary>Where access-log lines end up. Called by one background reader only, never on the request path.</summary>
public interface IAccessLogSink : IAsyncDisposable
{
    /// <summary>Writes whole lines (each ending in <c>\n</c>) and makes them visible to readers before returning.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken);
}
