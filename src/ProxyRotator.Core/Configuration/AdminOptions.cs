namespace ProxyRotator.Core.Configuration;

/// <summary><c>admin</c>: the operator API, metrics and dashboard listener.</summary>
public sealed class AdminOptions
{
    public string Listen { get; set; } = "127.0.0.1:8081";

    /// <summary>Required on every <c>/api</c> route as <c>X-Api-Key</c>.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>
    /// Require the key for <c>/metrics</c> and the dashboard too (<c>X-Api-Key</c>, <c>Authorization: Bearer KEY</c>
    /// or HTTP Basic with the key as password, which browsers and Prometheus can send). <c>/healthz</c> stays open.
    /// </summary>
    public bool ProtectMetricsAndDashboard { get; set; }
}
