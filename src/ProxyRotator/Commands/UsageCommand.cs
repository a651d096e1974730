using System.CommandLine;
using System.Globalization;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary><c>usage [--account A] [--from DAY] [--to DAY] [--json]</c>: usage per account, pool and UTC day.</summary>
public static class UsageCommand
{
    public static Command Create()
    {
        var connection = new AdminConnectionOptions();
        var account = new Option<string?>("--account") { Description = "Only this account" };
        var from = new Option<string?>("--from") { Description = "First UTC day, yyyy-MM-dd (default: the 1st of this month)" };
        var to = new Option<string?>("--to") { Description = "Last UTC day, yyyy-MM-dd (default: today)" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("usage", "Requests, bytes and failures per account, pool and UTC day (admin API)");
        command.Options.Add(account);
        command.Options.Add(from);
        command.Options.Add(to);
        command.Options.Add(json);
        connection.AddTo(command);
        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            IReadOnlyList<UsageRowDto> rows = await api.GetUsageAsync(parse.GetValue(account), parse.GetValue(from), parse.GetValue(to), ct);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(output, rows);
                return AdminCommandAction.Success;
            }

            var table = new TextTable("DAY", "ACCOUNT", "POOL", "REQUESTS", "BYTES UP", "BYTES DOWN", "FAILURES").AlignRight(3, 4, 5);
            foreach (UsageRowDto r in rows)
            {
                table.Add(r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Account, r.Pool, N(r.Requests), N(r.BytesUp), N(r.BytesDown),
                    r.Failures.Count == 0 ? "-" : string.Join(' ', r.Failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={N(f.Value)}")));
            }

            await output.WriteAsync(table.ToString());
            await output.WriteLineAsync($"{N(rows.Sum(r => r.Requests))} request(s), {N(rows.Sum(r => r.BytesUp + r.BytesDown))} byte(s)");
            return AdminCommandAction.Success;
        });
        return command;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
