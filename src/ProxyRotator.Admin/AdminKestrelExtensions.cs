using Microsoft.AspNetCore.Server.Kestrel.Core;
using ProxyRotator.Admin.Security;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Admin;

public static class AdminKestrelExtensions
{
    /// <summary>
    /// Listens on <c>admin.listen</c> (<c>host:port</c>, <c>localhost:port</c>, <c>*:port</c>; port 0 picks a free
    /// one) and marks its connections as admin connections:
    /// <see cref="AdminEndpointRouteBuilderExtensions.MapProxyRotatorAdmin"/> serves only those.
    /// </summary>
    public static KestrelServerOptions ListenAdmin(this KestrelServerOptions kestrel, AdminOptions admin)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(admin);
        if (!ListenAddress.TryParse(admin.Listen, allowAnyPort: true, out ListenAddress? address, out string? error))
        {
            throw new FormatException($"admin.listen: {error}");
        }

        if (address!.Address is { } ip)
        {
            kestrel.Listen(ip, address.Port, listen => listen.UseProxyRotatorAdmin());
        }
        else
        {
            kestrel.ListenLocalhost(address.Port, listen => listen.UseProxyRotatorAdmin());
        }

        return kestrel;
    }

    /// <summary>Marks every connection of this listener as an admin connection.</summary>
    public static ListenOptions UseProxyRotatorAdmin(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            connection.Items[AdminListenerFeature.ItemKey] = true;
            return next(connection);
        });
        return listen;
    }
}
