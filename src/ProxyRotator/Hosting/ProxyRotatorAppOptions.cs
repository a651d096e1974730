using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.Hosting;

/// <summary>How the composition root builds the application; the defaults are those of <c>serve</c>.</summary>
public sealed record ProxyRotatorAppOptions
{
    /// <summary>Logs go to stderr (stdout stays for command output); one-shot commands use Warning.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>A last word on the builder: tests replace services or add logging providers here.</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; init; }
}
