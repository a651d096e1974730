using System.CommandLine;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary><c>proxies retire ID</c>: excluded for good, kept for history.</summary>
public static class ProxiesRetireCommand
{
    public static Command Create()
    {
        var connection = new AdminConnectionOptions();
        var id = new Argument<long>("ID")
        {
            Description = "Upstream id (see proxies list)",
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long parsed) && parsed > 0)
                {
                    return parsed;
                }

                result.AddError($"ID: '{text}' is not an upstream id (a whole number, as the first column of 'proxies list' shows)");
                return 0;
            },
        };
        var command = new Command("retire", "Retire one upstream: never picked again, kept for history");
        command.Arguments.Add(id);
        connection.AddTo(command);

        AdminCommandAction.Set(command, connection, TimeSpan.FromSeconds(60), async (parse, api, output, ct) =>
        {
            UpstreamDto retired = await api.RetireProxyAsync(parse.GetValue(id), ct);
            await output.WriteLineAsync($"retired upstream {retired.Id} {retired.Url} (pool {retired.Pool})");
            return AdminCommandAction.Success;
        });
        return command;
    }
}
