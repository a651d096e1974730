using System.CommandLine;
using System.Globalization;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary><c>stats [--json]</c>: traffic since the server started, per pool and for the busiest upstreams.</summary>
public static class StatsCommand
{
    public static Command Create()
    {
        var connection = new AdminConnectionOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables" };
        var top = new Option<int>("--top") { Description = "Busiest upstreams to show", DefaultValueFactory = _ => 10 };
        var command = new Command("stats", "Requests, failures, retries and bytes since the server started");
        command.Options.Add(json);
        command.Options.Add(top);
        connection.AddTo(command);

        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            StatsDto stats = await api.GetStatsAsync(Math.Max(0, parse.GetValue(top)), ct);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(output, stats);
                return AdminCommandAction.Success;
            }

            TrafficDto t = stats.Total;
            await output.WriteLineAsync($"uptime {TimeSpan.FromSeconds(Math.Round(stats.UptimeSeconds)):c}, since {DisplayFormat.Time(stats.StartedAt)}");
            var totals = new TextTable("REQUESTS", "FAILURES", "RETRIES", "BYTES IN", "BYTES OUT", "CONNECTIONS", "SESSIONS").AlignRight(0, 1, 2, 3, 4, 5, 6);
            totals.Add(DisplayFormat.Number(t.Requests), DisplayFormat.Number(t.Failures), DisplayFormat.Number(t.Retries),
                DisplayFormat.Bytes(t.BytesIn), DisplayFormat.Bytes(t.BytesOut),
                DisplayFormat.Number(stats.ActiveConnections), DisplayFormat.Number(stats.ActiveSessions));
            await output.WriteAsync(totals.ToString());

            if (stats.FailuresByKind.Count > 0)
            {
                await output.WriteLineAsync();
                var kinds = new TextTable("FAILURE KIND", "COUNT").AlignRight(1);
                foreach ((string kind, long count) in stats.FailuresByKind.OrderByDescending(p => p.Value))
                {
                    kinds.Add(kind, DisplayFormat.Number(count));
                }

                await output.WriteAsync(kinds.ToString());
            }

            await output.WriteLineAsync();
            var pools = new TextTable("POOL", "REQUESTS", "FAILURES", "RETRIES", "BYTES IN", "BYTES OUT").AlignRight(1, 2, 3, 4, 5);
            foreach (PoolTrafficDto p in stats.Pools)
            {
                pools.Add(p.Pool, DisplayFormat.Number(p.Requests), DisplayFormat.Number(p.Failures), DisplayFormat.Number(p.Retries),
                    DisplayFormat.Bytes(p.BytesIn), DisplayFormat.Bytes(p.BytesOut));
            }

            await output.WriteAsync(pools.RowCount == 0 ? "no traffic yet\n" : pools.ToString());

            if (stats.Upstreams.Count > 0)
            {
                await output.WriteLineAsync();
                var upstreams = new TextTable("UPSTREAM", "POOL", "ATTEMPTS", "FAILURES", "BYTES IN", "BYTES OUT").AlignRight(0, 2, 3, 4, 5);
                foreach (UpstreamTrafficDto u in stats.Upstreams)
                {
                    upstreams.Add(u.Id.ToString(CultureInfo.InvariantCulture), u.Pool, DisplayFormat.Number(u.Requests), DisplayFormat.Number(u.Failures),
                        DisplayFormat.Bytes(u.BytesIn), DisplayFormat.Bytes(u.BytesOut));
                }

                await output.WriteAsync(upstreams.ToString());
            }

            return AdminCommandAction.Success;
        });
        return command;
    }
}
