namespace ProxyRotator.Core.Configuration;

/// <summary><c>accessLog</c>: one JSON line per client request or tunnel. Off unless <see cref="Enabled"/>.</summary>
public sealed class AccessLogOptions
{
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;

    public bool Enabled { get; set; }

    public AccessLogDestination Destination { get; set; } = AccessLogDestination.File;

    /// <summary>The current file (absolute once loaded); rotated files get <c>.1</c>, <c>.2</c>, ... appended, <c>.1</c> the newest.</summary>
    public string Path { get; set; } = "access.log";

    /// <summary>The current file is rotated before a write would take it past this size.</summary>
    public long MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>Rotated files kept besides the current one; older ones are deleted.</summary>
    public int MaxFiles { get; set; } = 10;

    /// <summary>Entries waiting for the writer; beyond it entries are dropped (and counted), never waited for.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Writes the path and query of absolute-form URLs; off because they often carry personal data or tokens.</summary>
    public bool IncludeUrlPath { get; set; }

    /// <summary>Replaces target host names (and addresses) by a keyed hash (HMAC-SHA256 with <see cref="HashKey"/>).</summary>
    public bool HashTargets { get; set; }

    /// <summary>The HMAC key when <see cref="HashTargets"/> is on; the same key gives the same hash, so lines stay comparable.</summary>
    public string? HashKey { get; set; }
}
