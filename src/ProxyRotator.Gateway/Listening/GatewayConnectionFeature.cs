namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// Marks a connection that arrived on a gateway listener, so the HTTP middleware proxies its requests and
/// never lets them reach the admin API. Set by <see cref="GatewayConnectionMiddleware"/>.
/// </summary>
public sealed class GatewayConnectionFeature
{
    public static GatewayConnectionFeature Instance { get; } = new();
}
