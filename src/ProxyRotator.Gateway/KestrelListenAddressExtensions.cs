using Microsoft.AspNetCore.Server.Kestrel.Core;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Gateway;

/// <summary>Turns a parsed <see cref="ListenAddress"/> into the Kestrel listen call it means, for every listener alike.</summary>
public static class KestrelListenAddressExtensions
{
    /// <summary><c>localhost</c>: loopback of both families; <c>*</c>: every interface of both; otherwise that address only.</summary>
    public static KestrelServerOptions Listen(this KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsLocalhost)
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (address.IsEveryInterface)
        {
            kestrel.ListenAnyIP(address.Port, configure);
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, configure);
        }

        return kestrel;
    }
}
