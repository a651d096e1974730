using System.Diagnostics;

namespace ProxyRotator.IntegrationTests.Simulation;

/// <summary>Runs the real curl as a client and returns its exit code and output.</summary>
internal static class CurlRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--silent", "--show-error", "--noproxy", "", "--max-time", "10" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("http_proxy");
        start.Environment.Remove("https_proxy");
        start.Environment.Remove("HTTPS_PROXY");
        start.Environment.Remove("ALL_PROXY");
        start.Environment.Remove("all_proxy");
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
