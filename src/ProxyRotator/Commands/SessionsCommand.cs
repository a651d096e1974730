using System.CommandLine;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary><c>sessions list [--json]</c>: live sticky sessions.</summary>
public static class SessionsCommand
{
    public static Command Create()
    {
        var command = new Command("sessions", "Sticky sessions of a running server (admin API)");
        command.Subcommands.Add(CreateList());
        return command;
    }

    private static Command CreateList()
    {
        var connection = new AdminConnectionOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("list", "List sticky sessions that have not expired");
        command.Options.Add(json);
        connection.AddTo(command);

        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            var sessions = new List<SessionDto>();
            int total = 0;
            for (int page = 1; ; page++)
            {
                PageDto<SessionDto> result = await api.ListSessionsAsync(page, 1000, ct);
                total = result.Total;
                sessions.AddRange(result.Items);
                if (result.Items.Count < result.PageSize || sessions.Count >= total || page >= 100)
                {
                    break;
                }
            }

            if (parse.GetValue(json))
            {
                await CliJson.WriteAsync(output, sessions);
                return AdminCommandAction.Success;
            }

            var table = new TextTable("SESSION", "UPSTREAM", "EXIT IP", "MODE", "CREATED", "EXPIRES").AlignRight(1);
            foreach (SessionDto s in sessions)
            {
                table.Add(s.Id, s.UpstreamId.ToString(System.Globalization.CultureInfo.InvariantCulture), s.ExitIp, s.Mode,
                    DisplayFormat.Time(s.CreatedAt), DisplayFormat.Time(s.ExpiresAt));
            }

            await output.WriteAsync(table.ToString());
            await output.WriteLineAsync($"{total} active session(s)");
            return AdminCommandAction.Success;
        });
        return command;
    }
}
