namespace ProxyRotator.Gateway;

/// <summary>Header names the gateway adds to its answers.</summary>
public static class GatewayHeaders
{
    public const string Error = "X-ProxyRotator-Error";
    public const string Upstream = "X-ProxyRotator-Upstream";
    public const string Session = "X-ProxyRotator-Session";
    public const string ProxyAuthenticateValue = "Basic realm=\"proxyrotator\"";
}
