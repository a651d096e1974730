using System.CommandLine;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary><c>check [--pool P] [--json]</c>: a health-check pass now, printed per upstream.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var connection = new AdminConnectionOptions();
        var pool = new Option<string?>("--pool") { Description = "Only this pool" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("check", "Ask the server for a health-check pass now and print the outcome per upstream");
        command.Options.Add(pool);
        command.Options.Add(json);
        connection.AddTo(command);

        // A pass over a large pool takes a while; the server answers when every probe is done.
        AdminCommandAction.Set(command, connection, TimeSpan.FromMinutes(10), async (parse, api, output, ct) =>
        {
            HealthCheckRunDto run = await api.RunChecksAsync(parse.GetValue(pool), ct);
            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(output, run);
                return AdminCommandAction.Success;
            }

            var table = new TextTable("ID", "POOL", "UPSTREAM", "RESULT", "STATUS", "LATENCY", "EXIT IP", "COUNTRY", "ERROR").AlignRight(0, 5);
            foreach (HealthCheckOutcomeDto o in run.Outcomes.OrderBy(o => o.UpstreamId))
            {
                table.Add(
                    o.UpstreamId.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Pool, o.Url, o.Success ? "ok" : "FAILED", o.Status,
                    DisplayFormat.Latency(o.LatencyMs), o.ExitIp, o.VerifiedCountry, o.Error);
            }

            await output.WriteAsync(table.ToString());
            await output.WriteLineAsync($"checked {run.Checked}: {run.Succeeded} ok, {run.Failed} failed");
            return AdminCommandAction.Success;
        });
        return command;
    }
}
