namespace ProxyRotator.Core.Configuration;

/// <summary>Where the access log goes.</summary>
public enum AccessLogDestination
{
    /// <summary>A file with size-based rotation and retention.</summary>
    File,

    /// <summary>Standard output, for containers (the application's own log goes to standard error).</summary>
    Stdout,
}
