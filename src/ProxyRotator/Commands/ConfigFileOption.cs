using System.CommandLine;

namespace ProxyRotator.Commands;

/// <summary><c>--config FILE</c> (<c>-c</c>): the configuration file of design §2.</summary>
public static class ConfigFileOption
{
    public static Option<string> Create(bool required = true) => new("--config", "-c")
    {
        Description = "Configuration file (JSON with comments; see pools.sample.json)",
        HelpName = "FILE",
        Required = required,
    };
}
