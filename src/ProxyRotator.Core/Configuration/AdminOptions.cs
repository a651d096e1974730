namespace ProxyRotator.Core.Configuration;

/// <summary><c>admin</c>: the operator API, metrics and dashboard listener.</summary>
public sealed class AdminOptions
{
    public string Listen { get; set; } = "127.0.0.1:8081";

    /// <summary>Required on every <c>/api</c> route as <c>X-Api-Key</c>.</summary>
    public string ApiKey { get; set; } = string.Empty;
}
