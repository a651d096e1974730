namespace ProxyRotator.Core.Configuration;

/// <summary><c>gateway</c>: the client-facing proxy port(s) and their limits.</summary>
public sealed class GatewayOptions
{
    /// <summary>HTTP proxy and SOCKS5 on the same port(s), <c>host:port</c>.</summary>
    public List<string> Listen { get; set; } = ["127.0.0.1:8080"];

    /// <summary>TCP connect plus the upstream's CONNECT/SOCKS5 handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First response byte from an upstream, else 504 (or the next upstream).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A client's request head or SOCKS5 handshake.</summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An idle client connection or tunnel is closed after this.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxHeaderBytes { get; set; } = 32 * 1024;
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Upstreams tried for one request before 502.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Allow targets in loopback/private ranges (tests and the demo turn this on).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>
    /// Targets allowed even in refused ranges (link-local included): addresses, networks (<c>a.b.c.d/n</c>) or
    /// <c>localhost</c>-style names. The gateway's own listeners stay refused.
    /// </summary>
    public List<string> AllowedTargets { get; set; } = [];

    /// <summary>
    /// Failed logins from one client address (IPv6: one /64) within a minute before it is refused for
    /// <see cref="AuthCooldown"/> (HTTP 429 <c>rate-limited</c>, SOCKS5 authentication failure); 0 turns it off.
    /// </summary>
    public int AuthFailuresPerMinute { get; set; } = 20;

    /// <summary>How long a client that reached <see cref="AuthFailuresPerMinute"/> is refused.</summary>
    public TimeSpan AuthCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Send <c>X-ProxyRotator-Upstream</c>/<c>-Session</c> on successful answers.</summary>
    public bool ExposeUpstreamHeaders { get; set; } = true;

    /// <summary>
    /// Serve plaintext absolute-form <c>http://</c> requests with the gateway's own HTTP/1.1 relay instead of Kestrel,
    /// YARP and HttpClient (same pipeline, same answers; less CPU per request). False: everything through Kestrel.
    /// </summary>
    public bool HttpRelay { get; set; } = true;

    /// <summary>TLS on the gateway port(s); null: plaintext only.</summary>
    public GatewayTlsOptions? Tls { get; set; }
}
