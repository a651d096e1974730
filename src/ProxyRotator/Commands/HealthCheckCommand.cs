using System.CommandLine;
using System.Net;
using ProxyRotator.AdminClient;

namespace ProxyRotator.Commands;

/// <summary>
/// <c>healthcheck [--admin URL] [--ready]</c>: asks a running server's <c>/healthz</c> (liveness) or <c>/readyz</c>
/// (at least one eligible upstream) and exits 0 when it answers 200, 1 otherwise. No API key: both routes are open.
/// This is the Docker image's <c>HEALTHCHECK</c>, so the image needs no curl.
/// </summary>
public static class HealthCheckCommand
{
    public static Command Create()
    {
        var connection = new AdminConnectionOptions();
        var ready = new Option<bool>("--ready") { Description = "Ask /readyz (some upstream is eligible) instead of /healthz (the process answers)" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the answer", DefaultValueFactory = _ => 5 };
        var command = new Command("healthcheck", "Exit 0 when a running server's /healthz (or with --ready, /readyz) answers 200; for container health checks");
        command.Options.Add(connection.Admin);
        command.Options.Add(ready);
        command.Options.Add(timeout);
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            string adminText = parse.GetValue(connection.Admin) ?? AdminConnectionOptions.DefaultAdminUrl;
            if (!Uri.TryCreate(adminText, UriKind.Absolute, out Uri? admin) || admin.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"--admin: '{adminText}' is not an http(s) URL");
                return ExitCodes.UsageError;
            }

            var url = new Uri(admin, parse.GetValue(ready) ? "/readyz" : "/healthz");
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))) };
            try
            {
                using HttpResponseMessage response = await client.GetAsync(url, cancellationToken);
                string body = await response.Content.ReadAsStringAsync(cancellationToken);
                await (response.StatusCode == HttpStatusCode.OK ? output : error).WriteLineAsync($"{url}: {(int)response.StatusCode} {body}");
                return response.StatusCode == HttpStatusCode.OK ? ExitCodes.Success : ExitCodes.RuntimeFailure;
            }
            catch (HttpRequestException ex)
            {
                await error.WriteLineAsync($"{url}: no answer ({ex.HttpRequestError})");
                return ExitCodes.RuntimeFailure;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"{url}: no answer within {client.Timeout.TotalSeconds:0} s");
                return ExitCodes.RuntimeFailure;
            }
        });
        return command;
    }
}
