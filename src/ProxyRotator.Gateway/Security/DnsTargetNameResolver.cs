using System.Net;

namespace ProxyRotator.Gateway.Security;

/// <summary>The system resolver (hosts file, then DNS), as an upstream on this host would resolve the name.</summary>
public sealed class DnsTargetNameResolver : ITargetNameResolver
{
    public Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(name, cancellationToken);
}
