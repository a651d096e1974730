using System.Net;

namespace ProxyRotator.Gateway.Security;

/// <summary>Resolves a target host name to its addresses (the seam tests use instead of <c>/etc/hosts</c>).</summary>
public interface ITargetNameResolver
{
    /// <summary>The name's addresses; empty or a <see cref="System.Net.Sockets.SocketException"/> when it does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken);
}
