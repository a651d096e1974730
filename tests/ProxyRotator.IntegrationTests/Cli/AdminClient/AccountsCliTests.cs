using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProxyRotator.Commands;
using ProxyRotator.Core.Accounts;
using ProxyRotator.IntegrationTests.Admin;

namespace ProxyRotator.IntegrationTests.Cli.AdminClient;

/// <summary><c>accounts</c> and <c>usage</c> against a live in-process admin API: changes reach the account table at once.</summary>
public sealed class AccountsCliTests : IAsyncLifetime
{
    private AdminTestServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string[] Connection => ["--admin", _server.AdminUrl.ToString(), "--api-key", AdminTestServer.ApiKey];

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("proxyrotator (test)");
        root.Subcommands.Add(AccountsCommand.Create());
        root.Subcommands.Add(UsageCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await root.Parse([.. args, .. Connection]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task AccountsAddSetDisableDelete_ChangeTheGatewaysAccountTableAtOnce()
    {
        AccountDirectory directory = _server.Services.GetRequiredService<AccountDirectory>();

        (int added, string addOutput, string addError) = await RunAsync("accounts", "add", "cli1", "--max-concurrent", "5", "--bytes-per-day", "1000");
        AccountEntry? afterAdd = directory.Current.Find("cli1");
        (int set, _, string setError) = await RunAsync("accounts", "set", "cli1", "--requests-per-second", "7", "--max-concurrent", "0");
        AccountEntry? afterSet = directory.Current.Find("cli1");
        (int disabled, _, _) = await RunAsync("accounts", "disable", "cli1");
        bool enabledAfterDisable = directory.Current.Find("cli1")!.Enabled;
        (int listed, string list, _) = await RunAsync("accounts", "list");
        (int deleted, _, _) = await RunAsync("accounts", "delete", "cli1");

        Assert.True(added == 0, addError);
        Assert.Matches("password: [A-Za-z0-9]{24}", addOutput);
        Assert.Equal(new AccountLimits(MaxConcurrent: 5, BytesPerDay: 1000), afterAdd!.Limits);
        Assert.True(set == 0, setError);
        Assert.Equal(new AccountLimits(RequestsPerSecond: 7, BytesPerDay: 1000), afterSet!.Limits);
        Assert.Equal(0, disabled);
        Assert.False(enabledAfterDisable);
        Assert.Equal(0, listed);
        Assert.Contains("cli1", list, StringComparison.Ordinal);
        Assert.Contains("disabled", list, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", list, StringComparison.Ordinal);
        Assert.Equal(0, deleted);
        Assert.Null(directory.Current.Find("cli1"));
    }

    [Fact]
    public async Task Usage_Json_PrintsRowsPerAccountPoolAndDay()
    {
        UsageLedger ledger = _server.Services.GetRequiredService<UsageLedger>();
        ledger.Record(ledger.TotalsFor("someone"), "res-eu", null, 100, 2000);
        ledger.Record(ledger.TotalsFor("someone"), "res-eu", "upstream-failed", 0, 0);

        (int exit, string output, string error) = await RunAsync("usage", "--account", "someone", "--json");

        Assert.True(exit == 0, error);
        JsonElement row = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray());
        Assert.Equal("res-eu", row.GetProperty("pool").GetString());
        Assert.Equal(2, row.GetProperty("requests").GetInt64());
        Assert.Equal(2000, row.GetProperty("bytesDown").GetInt64());
        Assert.Equal(1, row.GetProperty("failures").GetProperty("upstream-failed").GetInt64());
    }

    [Fact]
    public async Task AccountsAdd_BadName_ExitsWithUsageErrorNamingTheField()
    {
        (int exit, _, string error) = await RunAsync("accounts", "add", "bad-name");

        Assert.Equal(2, exit);
        Assert.Contains("name", error, StringComparison.Ordinal);
    }
}
