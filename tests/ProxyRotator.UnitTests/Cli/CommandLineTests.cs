namespace ProxyRotator.UnitTests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_Root_ListsEveryCommandOfTheDesign()
    {
        CliRun run = await CliRun.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (string command in new[] { "serve", "demo", "import", "migrate", "proxies", "check", "sessions", "stats", "geoip" })
        {
            Assert.Matches($@"(?m)^\s+{command}\s", run.Output);
        }
    }

    [Theory]
    [InlineData("serve", "--config")]
    [InlineData("demo", "--upstreams")]
    [InlineData("import", "--config")]
    [InlineData("migrate", "--config")]
    [InlineData("proxies", "list")]
    [InlineData("proxies list", "--country")]
    [InlineData("proxies add", "--pool")]
    [InlineData("proxies retire", "ID")]
    [InlineData("check", "--pool")]
    [InlineData("sessions", "list")]
    [InlineData("sessions list", "--json")]
    [InlineData("stats", "--json")]
    [InlineData("geoip", "lookup")]
    [InlineData("geoip lookup", "--connection-type-db")]
    public async Task Help_EveryCommand_DescribesItsOptions(string command, string expected)
    {
        CliRun run = await CliRun.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Error);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("serve")]
    [InlineData("import", "--config")]
    [InlineData("migrate", "--config", "a.json", "--extra")]
    [InlineData("geoip", "lookup")]
    [InlineData("proxies")]
    public async Task Invoke_UsageError_ExitsTwoWithAHint(params string[] args)
    {
        CliRun run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MissingConfigFile_ExitsTwoNamingTheFile()
    {
        CliRun run = await CliRun.RunAsync("import", "--config", "no-such-dir-3f9a/pools.json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("no-such-dir-3f9a/pools.json: $: the file does not exist", run.Error.Trim());
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("import")]
    [InlineData("migrate")]
    public async Task Invoke_BadConfig_ExitsTwoAndPrintsEveryErrorWithItsPath(string command)
    {
        using var directory = new TemporaryDirectory();
        string file = directory.Write("bad.json", """
            {
              "admin": { "apiKey": "0123456789abcdef" },
              "gateway": { "maxAttempt": 3 },
              "pools": [ { "name": "eu", "proxies": ["http://198.51.100.1:80", "htp://198.51.100.2:80"] } ],
              "users": [ { "name": "a", "password": "${PROXYROTATOR_TEST_UNSET_7C41}" } ]
            }
            """);

        CliRun run = await CliRun.RunAsync(command, "--config", file);

        Assert.Equal(2, run.ExitCode);
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [
                $"{file}: gateway.maxAttempt: unknown field (did you mean 'maxAttempts'?)",
                $"{file}: pools[0].proxies[1]: unknown scheme 'htp' (expected http, socks5 or socks5h)",
                $"{file}: users[0].password: environment variable 'PROXYROTATOR_TEST_UNSET_7C41' is not set (set it, or write ${{PROXYROTATOR_TEST_UNSET_7C41:-default}})",
            ],
            lines);
        Assert.Empty(run.Output);
        Assert.False(File.Exists(Path.Combine(directory.Path, "proxyrotator.db")), "nothing may be touched when the configuration is refused");
    }
}
