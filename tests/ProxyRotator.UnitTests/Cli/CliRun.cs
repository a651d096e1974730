namespace ProxyRotator.UnitTests.Cli;

/// <summary>One in-process run of the <c>proxyrotator</c> command line with its output captured.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await ProxyRotatorCommandLine.InvokeAsync(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
