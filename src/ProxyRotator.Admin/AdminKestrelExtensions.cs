using Microsoft.AspNetCore.Server.Kestrel.Core;
using ProxyRotator.Admin.Security;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway;

namespace ProxyRotator.Admin;

public static class AdminKestrelExtensions
{
    /// <summary>
    /// Listens on <c>admin.listen</c> (see <see cref="ListenAddress"/>; port 0 picks a free one) over HTTP/1.1 and
    /// marks its connections as admin connections:
    /// <see cref="AdminEndpointRouteBuilderExtensions.MapProxyRotatorAdmin"/> serves only those.
    /// </summary>
    /// <param name="configure">More set-up of the listener (the host captures it to learn the bound port).</param>
    public static KestrelServerOptions ListenAdmin(this KestrelServerOptions kestrel, AdminOptions admin, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(admin);
        if (!ListenAddress.TryParse(admin.Listen, allowAnyPort: true, out ListenAddress? address, out string? error))
        {
            throw new FormatException($"admin.listen: {error}");
        }

        return kestrel.ListenAdmin(address!, configure);
    }

    /// <inheritdoc cref="ListenAdmin(KestrelServerOptions, AdminOptions, Action{ListenOptions}?)"/>
    public static KestrelServerOptions ListenAdmin(this KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(address);

        void Configure(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http1; // no TLS here, so no HTTP/2 negotiation
            listen.UseProxyRotatorAdmin();
            configure?.Invoke(listen);
        }

        return kestrel.Listen(address, Configure);
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
