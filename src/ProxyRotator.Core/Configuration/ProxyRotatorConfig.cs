namespace ProxyRotator.Core.Configuration;

/// <summary>The whole configuration file (design §2), after <c>${ENV}</c> substitution, parsing and validation.</summary>
public sealed class ProxyRotatorConfig
{
    /// <summary>EF Core connection string; SQLite by default.</summary>
    public string Database { get; set; } = "Data Source=proxyrotator.db";
    public GatewayOptions Gateway { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
    public List<UserOptions> Users { get; set; } = [];
    public GeoIpOptions GeoIp { get; set; } = new();
    public HealthCheckOptions HealthCheck { get; set; } = new();
    public SessionOptions Sessions { get; set; } = new();
    public List<PoolOptions> Pools { get; set; } = [];
    public AccessLogOptions AccessLog { get; set; } = new();
    public TracingOptions Tracing { get; set; } = new();

    /// <summary><c>policy</c>: outbound rules, ban avoidance, exclusive exits.</summary>
    public PolicyOptions Policy { get; set; } = new();

    /// <summary>The file this was loaded from, for messages; null when built in code.</summary>
    public string? SourcePath { get; set; }
}
