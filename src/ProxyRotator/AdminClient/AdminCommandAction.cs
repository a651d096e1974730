using System.CommandLine;
using System.Net;
using Refit;

namespace ProxyRotator.AdminClient;

/// <summary>
/// Runs one CLI command against the admin API and turns failures into clear messages and exit codes:
/// 0 success; 1 runtime failure (server unreachable, not found, conflict, server error);
/// 2 usage or configuration error (no key, wrong key (401), bad URL, input the server rejected with 400).
/// </summary>
internal static class AdminCommandAction
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int UsageError = 2;

    private const string GatewayErrorHeader = "X-ProxyRotator-Error";

    public static void Set(Command command, AdminConnectionOptions connection, TimeSpan timeout, Func<ParseResult, IAdminApi, TextWriter, CancellationToken, Task<int>> run)
    {
        command.SetAction((parse, ct) => RunAsync(parse, connection, timeout, run, ct));
    }

    private static async Task<int> RunAsync(
        ParseResult parse, AdminConnectionOptions connection, TimeSpan timeout,
        Func<ParseResult, IAdminApi, TextWriter, CancellationToken, Task<int>> run, CancellationToken ct)
    {
        TextWriter output = parse.InvocationConfiguration.Output;
        TextWriter error = parse.InvocationConfiguration.Error;
        string adminText = parse.GetValue(connection.Admin) ?? AdminConnectionOptions.DefaultAdminUrl;
        if (!Uri.TryCreate(adminText, UriKind.Absolute, out Uri? adminUrl) || adminUrl.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"--admin: '{adminText}' is not an http(s) URL");
            return UsageError;
        }

        string? apiKey = parse.GetValue(connection.ApiKey);
        if (string.IsNullOrEmpty(apiKey))
        {
            apiKey = Environment.GetEnvironmentVariable(AdminConnectionOptions.ApiKeyVariable);
        }

        if (string.IsNullOrEmpty(apiKey))
        {
            await error.WriteLineAsync($"no admin API key: pass --api-key or set {AdminConnectionOptions.ApiKeyVariable}");
            return UsageError;
        }

        (IAdminApi api, var owner) = AdminApiClientFactory.Create(adminUrl, apiKey, timeout);
        await using (owner)
        {
            try
            {
                return await run(parse, api, output, ct);
            }
            catch (ApiException ex)
            {
                return await ReportAsync(ex, adminUrl, error);
            }
            catch (ApiRequestException ex) when (ex.InnerException is HttpRequestException inner)
            {
                return await ReportUnreachableAsync(inner, adminUrl, error);
            }
            catch (ApiRequestException ex) when (ex.InnerException is OperationCanceledException && !ct.IsCancellationRequested)
            {
                await error.WriteLineAsync($"the admin API at {adminUrl} did not answer within {timeout.TotalSeconds:0} s");
                return RuntimeFailure;
            }
            catch (HttpRequestException ex)
            {
                return await ReportUnreachableAsync(ex, adminUrl, error);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                await error.WriteLineAsync($"the admin API at {adminUrl} did not answer within {timeout.TotalSeconds:0} s");
                return RuntimeFailure;
            }
        }
    }

    private static async Task<int> ReportUnreachableAsync(HttpRequestException ex, Uri adminUrl, TextWriter error)
    {
        await error.WriteLineAsync($"cannot reach the admin API at {adminUrl}: {ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => "connection refused or host unreachable",
            HttpRequestError.NameResolutionError => "host name not found",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            _ => ex.Message,
        }}. Is `proxyrotator serve` running, and is --admin right?");
        return RuntimeFailure;
    }

    private static async Task<int> ReportAsync(ApiException ex, Uri adminUrl, TextWriter error)
    {
        ProblemDetails? problem = null;
        try
        {
            problem = ex.Content is { Length: > 0 } ? System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(ex.Content, CliJson.Options) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // not problem details; the status line says enough
        }

        string detail = problem?.Detail ?? problem?.Title ?? ex.ReasonPhrase ?? ex.StatusCode.ToString();
        if (ex.Headers.Contains(GatewayErrorHeader))
        {
            // The gateway answers every request it refuses with this header; the admin API never does.
            await error.WriteLineAsync($"{adminUrl} is a ProxyRotator gateway (proxy) port, not the admin API: pass --admin with the admin.listen address (default {AdminConnectionOptions.DefaultAdminUrl})");
            return UsageError;
        }

        switch (ex.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                await error.WriteLineAsync($"the admin API at {adminUrl} refused the API key (401): check --api-key or {AdminConnectionOptions.ApiKeyVariable}");
                return UsageError;
            case HttpStatusCode.BadRequest when problem is null:
                await error.WriteLineAsync($"{adminUrl} does not look like a ProxyRotator admin API (400 {ex.ReasonPhrase}): check --admin");
                return UsageError;
            case HttpStatusCode.BadRequest:
                await error.WriteLineAsync($"rejected: {detail}");
                return UsageError;
            case HttpStatusCode.NotFound when problem is null:
                await error.WriteLineAsync($"{adminUrl} does not look like a ProxyRotator admin API (404)");
                return RuntimeFailure;
            default:
                await error.WriteLineAsync($"{(int)ex.StatusCode} {ex.ReasonPhrase}: {detail}");
                return RuntimeFailure;
        }
    }
}
