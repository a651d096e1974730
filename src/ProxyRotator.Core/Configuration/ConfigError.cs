namespace ProxyRotator.Core.Configuration;

/// <summary>One problem in a configuration file: where it is and what is wrong. Never holds a secret value.</summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Path">The JSON path of the field, e.g. <c>pools[1].proxies[3]</c>; <c>$</c> for the whole document.</param>
/// <param name="Reason">What is wrong, in words an operator can act on.</param>
public sealed record ConfigError(string File, string Path, string Reason)
{
    /// <summary><c>FILE: PATH: reason</c>, one line.</summary>
    public override string ToString() => $"{File}: {Path}: {Reason}";
}
