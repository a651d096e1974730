using Microsoft.AspNetCore.Builder;
using ProxyRotator.Gateway.Http;

namespace ProxyRotator.Gateway;

/// <summary>Adds the gateway's HTTP middleware: it serves requests from gateway listeners and passes others on.</summary>
public static class GatewayApplicationBuilderExtensions
{
    public static IApplicationBuilder UseProxyRotatorGateway(this IApplicationBuilder app) =>
        app.UseMiddleware<GatewayForwardingMiddleware>();
}
