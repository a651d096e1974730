using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Admin.Health;
using ProxyRotator.Commands;
using ProxyRotator.Core.Outcomes;
using ProxyRotator.IntegrationTests.Admin;

namespace ProxyRotator.IntegrationTests.Cli.AdminClient;

/// <summary>The CLI's admin commands against a live in-process server, through the source-generated Refit client.</summary>
public sealed class AdminCliTests : IAsyncLifetime
{
    private readonly IAdminHealthChecks _checks = Substitute.For<IAdminHealthChecks>();
    private AdminTestServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminTestServer.StartAsync(services => services.AddSingleton(_checks));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("proxyrotator (test)");
        root.Subcommands.Add(ProxiesCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(SessionsCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private string Admin => _server.AdminUrl.ToString();

    [Fact]
    public async Task ProxiesList_PrintsAnAlignedTableWithMaskedUrls()
    {
        (int exit, string output, string error) = await RunAsync("proxies", "list", "--pool", "res-eu", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.True(exit == 0, error);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.StartsWith("ID  POOL", lines[0].TrimStart(), StringComparison.Ordinal);
        Assert.Matches("^[- ]+$", lines[1]);
        Assert.Equal(4, lines.Count(l => l.Contains("res-eu", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("http://alice:***@127.0.3.1:8001", StringComparison.Ordinal) && l.Contains("active", StringComparison.Ordinal)
            && l.Contains("DE ✓", StringComparison.Ordinal) && l.Contains("0.91", StringComparison.Ordinal) && l.Contains("120 ms", StringComparison.Ordinal));
        Assert.Equal("4 upstream(s)", lines[^1]);
        int poolColumn = lines[0].IndexOf("POOL", StringComparison.Ordinal);
        Assert.All(lines.Skip(2).SkipLast(1), l => Assert.Equal("res-eu", l.Substring(poolColumn, 6)));
        Assert.DoesNotContain(AdminTestServer.SeedPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxiesList_JsonWithFilters_PrintsTheMatchingUpstreams()
    {
        (int exit, string output, _) = await RunAsync("proxies", "list", "--status", "all", "--country", "us", "--json", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.Equal(0, exit);
        JsonElement page = JsonDocument.Parse(output).RootElement;
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.All(page.GetProperty("items").EnumerateArray(), u => Assert.Equal("dc", u.GetProperty("pool").GetString()));
    }

    [Fact]
    public async Task ProxiesList_KeyFromEnvironmentVariable_IsUsed()
    {
        // Process-wide, so only this test sets it; other tests pass --api-key.
        Environment.SetEnvironmentVariable("PROXYROTATOR_API_KEY", AdminTestServer.ApiKey);
        try
        {
            (int exit, _, string error) = await RunAsync("proxies", "list", "--admin", Admin);

            Assert.True(exit == 0, error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PROXYROTATOR_API_KEY", null);
        }
    }

    [Fact]
    public async Task ProxiesAddThenRetire_ChangeThePool()
    {
        (int addExit, string added, string addError) = await RunAsync(
            "proxies", "add", "http://neo:Matrix-Pass-1@127.0.6.6:8080", "--pool", "dc", "--country", "SE", "--json", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);
        Assert.True(addExit == 0, addError);
        JsonElement upstream = JsonDocument.Parse(added).RootElement;
        Assert.Equal(("http://neo:***@127.0.6.6:8080", "pending", "SE"), (upstream.GetProperty("url").GetString(), upstream.GetProperty("status").GetString(), upstream.GetProperty("declaredCountry").GetString()));
        long id = upstream.GetProperty("id").GetInt64();

        (int retireExit, string retired, _) = await RunAsync("proxies", "retire", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.Equal(0, retireExit);
        Assert.Equal($"retired upstream {id} http://neo:***@127.0.6.6:8080 (pool dc)\n", retired.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ProxiesAdd_BadUrl_Exits2WithTheServersReason()
    {
        (int exit, _, string error) = await RunAsync("proxies", "add", "htp://127.0.6.7:80", "--pool", "dc", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.Equal(2, exit);
        Assert.Contains("url: unknown scheme 'htp'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxiesRetire_UnknownId_Exits1()
    {
        (int exit, _, string error) = await RunAsync("proxies", "retire", "424242", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.Equal(1, exit);
        Assert.Contains("no upstream with id 424242", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_PrintsTotalsAndPerPoolTraffic()
    {
        long upstream = await _server.UpstreamIdAsync("127.0.4.1");
        _server.Metrics.RecordRequest("dc", null);
        _server.Metrics.RecordRequest("dc", "upstream-timeout");
        _server.Metrics.RecordOutcome(new UpstreamOutcome(upstream, UpstreamOutcomeKind.Success, TimeSpan.FromMilliseconds(2), 2048, 3 * 1024 * 1024), "dc");

        (int exit, string output, string error) = await RunAsync("stats", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.True(exit == 0, error);
        Assert.Contains("REQUESTS  FAILURES  RETRIES  BYTES IN  BYTES OUT  CONNECTIONS  SESSIONS", output, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+2\s+1\s+0\s+2\.0 KiB\s+3\.0 MiB\s+0\s+1\n", output);
        Assert.Matches(@"upstream-timeout\s+1", output);
        Assert.Matches(@"\ndc\s+2\s+1\s+0\s+2\.0 KiB\s+3\.0 MiB\n", output);
        Assert.Matches($@"\n\s*{upstream}\s+dc\s+1\s+0\s+2\.0 KiB\s+3\.0 MiB\n", output);
    }

    [Fact]
    public async Task Stats_Json_IsTheApiShape()
    {
        (int exit, string output, _) = await RunAsync("stats", "--json", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.Equal(0, exit);
        JsonElement stats = JsonDocument.Parse(output).RootElement;
        Assert.Equal(0, stats.GetProperty("total").GetProperty("requests").GetInt64());
        Assert.Equal(1, stats.GetProperty("activeSessions").GetInt32());
    }

    [Fact]
    public async Task SessionsList_PrintsLiveSessions()
    {
        (int exit, string output, _) = await RunAsync("sessions", "list", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.Equal(0, exit);
        Assert.Matches(@"scraper:acct42\s+\d+\s+127\.0\.3\.1\s+flex", output);
        Assert.EndsWith("1 active session(s)\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PrintsTheOutcomePerUpstream()
    {
        _checks.RunAsync("dc", Arg.Any<CancellationToken>()).Returns(
        [
            new HealthCheckOutcomeDto { UpstreamId = 5, Pool = "dc", Url = "http://dave:***@127.0.4.1:3128", Success = true, Status = "active", LatencyMs = 42, ExitIp = "127.0.4.1", VerifiedCountry = "US" },
            new HealthCheckOutcomeDto { UpstreamId = 6, Pool = "dc", Url = "http://127.0.4.2:3128", Success = false, Status = "quarantined", Error = "connection refused" },
        ]);

        (int exit, string output, string error) = await RunAsync("check", "--pool", "dc", "--admin", Admin, "--api-key", AdminTestServer.ApiKey);

        Assert.True(exit == 0, error);
        Assert.Matches(@"5\s+dc\s+http://dave:\*\*\*@127\.0\.4\.1:3128\s+ok\s+active\s+42 ms\s+127\.0\.4\.1\s+US", output);
        Assert.Matches(@"6\s+dc\s+http://127\.0\.4\.2:3128\s+FAILED\s+quarantined.*connection refused", output);
        Assert.EndsWith("checked 2: 1 ok, 1 failed\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WrongKey_Exits2AndSaysSo()
    {
        (int exit, string output, string error) = await RunAsync("proxies", "list", "--admin", Admin, "--api-key", "not-the-key");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("refused the API key (401)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_NoKeyAtAll_Exits2()
    {
        (int exit, _, string error) = await RunAsync("stats", "--admin", Admin);

        Assert.Equal(2, exit);
        Assert.Contains("no admin API key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_ServerUnreachable_Exits1AndSaysSo()
    {
        (int exit, _, string error) = await RunAsync("stats", "--admin", "http://127.0.0.1:1/", "--api-key", "k");

        Assert.Equal(1, exit);
        Assert.Contains("cannot reach the admin API at http://127.0.0.1:1/", error, StringComparison.Ordinal);
        Assert.Contains("connection refused", error, StringComparison.Ordinal);
    }
}
