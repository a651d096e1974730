using ProxyRotator.Simulation.Upstreams;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>A running simulated upstream and its tags.</summary>
public sealed record WorldUpstream(SimulatedUpstreamProxy Proxy, UpstreamSpec Spec)
{
    public string ExitAddress => Proxy.OutgoingAddress.ToString();
}
