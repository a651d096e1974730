using System.IO.Pipelines;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>The transport of a connection the relay hands on to Kestrel: input replays what the relay read (a <see cref="Core.Upstreams.PrefixedStream"/> over the socket).</summary>
internal sealed class ReplayingTransport(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
