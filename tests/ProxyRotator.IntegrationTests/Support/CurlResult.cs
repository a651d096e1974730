namespace ProxyRotator.IntegrationTests.Support;

/// <summary>What curl printed and how it exited.</summary>
public sealed record CurlResult(int ExitCode, string Output, string Error)
{
    /// <summary>Output lines, without empty ones.</summary>
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
