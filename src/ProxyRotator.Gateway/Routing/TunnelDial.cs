using ProxyRotator.Core.Pool;
using ProxyRotator.Gateway.Upstreams;

namespace ProxyRotator.Gateway.Routing;

/// <summary>
/// A tunnel opened through an upstream (or the reason there is none). The owner holds the upstream's load
/// count until it calls <see cref="TunnelDialer.Complete"/>.
/// </summary>
public sealed class TunnelDial
{
    internal TunnelDial(AttemptOutcome outcome, UpstreamConnection? connection, UpstreamProxy? upstream, long startTimestamp)
    {
        Outcome = outcome;
        Connection = connection;
        Upstream = upstream;
        StartTimestamp = startTimestamp;
    }

    public AttemptOutcome Outcome { get; }
    public UpstreamConnection? Connection { get; }
    public UpstreamProxy? Upstream { get; }
    internal long StartTimestamp { get; }
}
