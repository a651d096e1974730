using System.Diagnostics;

namespace ProxyRotator.IntegrationTests.Support;

/// <summary>Runs the real curl as a proxy client; proxy environment variables are removed.</summary>
public static class Curl
{
    public static async Task<CurlResult> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--silent", "--show-error", "--noproxy", "" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string variable in new[] { "http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy" })
        {
            start.Environment.Remove(variable);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("curl did not finish in time: " + string.Join(' ', start.ArgumentList));
        }

        return new CurlResult(process.ExitCode, await output, await error);
    }
}
