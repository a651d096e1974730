namespace ProxyRotator.UnitTests.Cli;

/// <summary>What a new user reads when a command line is wrong: words about the command, never a .NET type name.</summary>
public sealed class CommandLineMessageTests
{
    [Fact]
    public async Task Invoke_RetireNonNumericId_NamesTheIdWithoutATypeName()
    {
        CliRun run = await CliRun.RunAsync("proxies", "retire", "abc");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("ID: 'abc' is not an upstream id (a whole number", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--top: 'x' is not a whole number", "stats", "--top", "x")]
    [InlineData("--limit: 'many' is not a whole number", "proxies", "list", "--limit", "many")]
    [InlineData("--upstreams: '1.5' is not a whole number", "demo", "--upstreams", "1.5")]
    public async Task Invoke_IntegerOptionNotANumber_SaysWholeNumber(string expected, params string[] args)
    {
        CliRun run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.Int", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stats")]
    [InlineData("proxies", "list")]
    public async Task Help_AdminOption_ShowsItsDefaultOnce(params string[] command)
    {
        CliRun run = await CliRun.RunAsync([.. command, "--help"]);

        string adminLine = run.Output.Split('\n').Single(line => line.TrimStart().StartsWith("--admin", StringComparison.Ordinal));
        Assert.Equal(1, CountOf(adminLine, "http://127.0.0.1:8081"));
    }

    [Theory]
    [InlineData("Cannot parse argument 'abc' for command 'retire' as expected type 'System.Int64'.", "retire: 'abc' is not a whole number")]
    [InlineData("Cannot parse argument 'x' for option '--seconds' as expected type 'System.Double'.", "--seconds: 'x' is not a number")]
    [InlineData("Unrecognized command or argument 'bogus'.", "Unrecognized command or argument 'bogus'.")]
    public void Describe_ParseError_InTheUsersWords(string message, string expected) =>
        Assert.Equal(expected, ParseErrorText.Describe(message));

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
