namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// Marks a connection the HTTP relay served first and then handed on to Kestrel: it was counted as accepted when the
/// relay took it, so <see cref="GatewayConnectionMiddleware"/> takes its connection slot again without counting it twice.
/// </summary>
public sealed class RelayHandOffFeature
{
    public static RelayHandOffFeature Instance { get; } = new();
}
