using System.CommandLine;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary><c>proxies list [--pool P] [--status S] [--type T] [--country CC] [--json]</c>.</summary>
public static class ProxiesListCommand
{
    private const int PageSize = 1000;

    public static Command Create()
    {
        var connection = new AdminConnectionOptions();
        var pool = new Option<string?>("--pool") { Description = "Only this pool" };
        var status = new Option<string?>("--status") { Description = "pending, active, quarantined, retired or all (default: all but retired)" };
        var type = new Option<string?>("--type") { Description = "residential, mobile, datacenter or isp" };
        var country = new Option<string?>("--country") { Description = "ISO country code (verified where known, else declared)" };
        var limit = new Option<int>("--limit") { Description = "Most upstreams to print", DefaultValueFactory = _ => 10_000 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };

        var command = new Command("list", "List upstreams with status, score and latency; passwords are masked");
        command.Options.Add(pool);
        command.Options.Add(status);
        command.Options.Add(type);
        command.Options.Add(country);
        command.Options.Add(limit);
        command.Options.Add(json);
        connection.AddTo(command);

        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            int max = Math.Max(1, parse.GetValue(limit));
            var items = new List<UpstreamDto>();
            int total = 0;
            for (int page = 1; items.Count < max; page++)
            {
                PageDto<UpstreamDto> result = await api.ListProxiesAsync(
                    parse.GetValue(pool), parse.GetValue(status), parse.GetValue(type), parse.GetValue(country), page, PageSize, ct);
                total = result.Total;
                items.AddRange(result.Items);
                if (result.Items.Count < PageSize || items.Count >= total)
                {
                    break;
                }
            }

            if (items.Count > max)
            {
                items.RemoveRange(max, items.Count - max);
            }

            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(output, new PageDto<UpstreamDto>(items, 1, items.Count, total));
                return AdminCommandAction.Success;
            }

            var table = new TextTable("ID", "POOL", "UPSTREAM", "TYPE", "COUNTRY", "EXIT IP", "STATUS", "SCORE", "LATENCY", "SUCCESS", "CHECKED")
                .AlignRight(0, 7, 8, 9);
            foreach (UpstreamDto u in items)
            {
                table.Add(
                    u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), u.Pool, u.Url, u.Type,
                    DisplayFormat.Country(u.VerifiedCountry, u.DeclaredCountry), u.ExitIp, u.Status,
                    DisplayFormat.Score(u.Score), DisplayFormat.Latency(u.LatencyMs), DisplayFormat.Percent(u.SuccessRate),
                    DisplayFormat.Time(u.LastCheckedAt) ?? "never");
            }

            await output.WriteAsync(table.ToString());
            await output.WriteLineAsync(total == items.Count ? $"{total} upstream(s)" : $"{items.Count} of {total} upstream(s) shown");
            return AdminCommandAction.Success;
        });
        return command;
    }
}
