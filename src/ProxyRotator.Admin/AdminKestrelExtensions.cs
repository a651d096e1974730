using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ProxyRotator.Admin.Security;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Admin;

public static class AdminKestrelExtensions
{
    /// <summary>
    /// Listens on <c>admin.listen</c> (<c>host:port</c>; port 0 picks a free one) and marks its connections as admin
    /// connections: <see cref="AdminEndpointRouteBuilderExtensions.MapProxyRotatorAdmin"/> serves only those.
    /// </summary>
    public static KestrelServerOptions ListenAdmin(this KestrelServerOptions kestrel, AdminOptions admin)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(admin);
        kestrel.Listen(ParseEndpoint(admin.Listen), listen => listen.UseProxyRotatorAdmin());
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

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> or <c>localhost:port</c>.</summary>
    public static IPEndPoint ParseEndpoint(string listen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(listen);
        string text = listen.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + listen[9..] : listen;
        return IPEndPoint.TryParse(text, out IPEndPoint? endpoint)
            ? endpoint
            : throw new FormatException($"admin.listen: '{listen}' is not host:port");
    }
}
