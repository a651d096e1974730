using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// Debian's <c>wrk</c> as the keep-alive client: one thread, N connections, absolute-form GETs to a proxy (a Lua
/// script sets the absolute URI as the path and the Proxy-Authorization header), <c>--latency</c> for p50/p99.
/// </summary>
internal static partial class WrkClient
{
    public readonly record struct Result(long Count, TimeSpan Elapsed, double P50Microseconds, double P99Microseconds, long Errors);

    public static async Task<Result> RunAsync(IPEndPoint proxy, string basicToken, string originAuthority, string path, int connections, double seconds, string directory)
    {
        string script = Path.Combine(directory, $"wrk-{proxy.Address}-{proxy.Port}{path.Replace('/', '-')}.lua");
        if (!File.Exists(script))
        {
            await File.WriteAllTextAsync(script, $"""
                wrk.method = "GET"
                wrk.path = "http://{originAuthority}{path}"
                wrk.headers["Host"] = "{originAuthority}"
                wrk.headers["Proxy-Authorization"] = "Basic {basicToken}"
                """);
        }

        var start = new ProcessStartInfo("wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-t1", $"-c{connections}", "-d" + seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s", "--latency", "-s", script, $"http://{proxy}/" })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start wrk");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Match done = Done().Match(output);
        if (process.ExitCode != 0 || !done.Success)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output}\n{await error}");
        }

        long errors = 0;
        foreach (Match socketErrors in SocketErrors().Matches(output))
        {
            errors += socketErrors.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture));
        }

        if (Non2xx().Match(output) is { Success: true } non2xx)
        {
            errors += long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return new Result(
            long.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture),
            Duration(done.Groups[2].Value, done.Groups[3].Value),
            Latency(output, "50%"),
            Latency(output, "99%"),
            errors);
    }

    private static double Latency(string output, string percentile)
    {
        Match match = Regex.Match(output, @"^\s+" + Regex.Escape(percentile) + @"\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
        return match.Success ? Duration(match.Groups[1].Value, match.Groups[2].Value).TotalMicroseconds : double.NaN;
    }

    private static TimeSpan Duration(string number, string unit)
    {
        double value = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => TimeSpan.FromMicroseconds(value),
            "ms" => TimeSpan.FromMilliseconds(value),
            "m" => TimeSpan.FromMinutes(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m),")]
    private static partial Regex Done();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();
}
