namespace ProxyRotator.Gateway.Observability;

/// <summary>Lines to a stream that is never rotated: standard output for containers.</summary>
public sealed class StreamAccessLogSink(Stream stream, bool ownsStream) : IAccessLogSink
{
    public static StreamAccessLogSink StandardOutput() => new(Console.OpenStandardOutput(), ownsStream: true);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(lines, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ownsStream ? stream.DisposeAsync() : ValueTask.CompletedTask;
}
