using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ProxyRotator.Simulation.World;

namespace ProxyRotator.Benchmarks.Load;

/// <summary>
/// The product as an operator runs it — <c>proxyrotator serve --config FILE</c> in its own process — pinned with
/// <c>taskset</c> to CPUs of its own, in front of a simulated world that lives in the benchmark process. This is
/// how a proxy is measured fairly: the system under test does not share CPUs with the load generator, the
/// upstreams and the origin (which in production run on other machines).
/// </summary>
internal sealed class ServeProcessGateway : IAsyncDisposable
{
    public const string AdminKey = "load-benchmark-admin-key";

    private readonly Process _process;

    private ServeProcessGateway(Process process, IPEndPoint endpoint, IPEndPoint adminEndpoint)
    {
        _process = process;
        Endpoint = endpoint;
        AdminEndpoint = adminEndpoint;
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>The admin listener (<c>/metrics</c>), key <see cref="AdminKey"/>.</summary>
    public IPEndPoint AdminEndpoint { get; }

    /// <summary>The serve process (taskset execs it, so this is the dotnet process itself): read its /proc entries.</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>CPU time (user + system) the gateway process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public static Task<ServeProcessGateway> StartAsync(SimulatedWorld world, string directory, string cpus, string user, string password, string healthInterval = "1h") =>
        StartAsync([.. world.Upstreams.Select(u => u.Endpoint.ToUri())], world.Origin.HttpUrl, directory, cpus, user, password, [], healthInterval);

    /// <summary>
    /// Starts <c>serve</c> on a generated config: one pool of <paramref name="proxies"/>, health checks against
    /// <paramref name="healthUrl"/>; pinned to <paramref name="cpus"/> unless it is null; <paramref name="environment"/>
    /// added to the process's environment (GC or JIT settings under test); <paramref name="dll"/> another build of
    /// <c>proxyrotator.dll</c> (a baseline), else this benchmark's own.
    /// </summary>
    public static async Task<ServeProcessGateway> StartAsync(IReadOnlyList<string> proxies, Uri healthUrl, string directory, string? cpus, string user, string password,
        IEnumerable<KeyValuePair<string, string>> environment, string healthInterval = "1h", string? dll = null)
    {
        int gatewayPort = FreePort();
        int adminPort = FreePort();
        Directory.CreateDirectory(directory);
        string configPath = Path.Combine(directory, "serve.json");
        await File.WriteAllTextAsync(configPath, Config(proxies, healthUrl, directory, gatewayPort, adminPort, user, password, healthInterval));

        dll ??= Path.Combine(AppContext.BaseDirectory, "proxyrotator.dll");
        var start = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] command = cpus is null ? [dll, "serve", "--config", configPath] : ["-c", cpus, "dotnet", dll, "serve", "--config", configPath];
        foreach (string arg in command)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start proxyrotator serve");

        // Drain its output so a chatty child never blocks on a full pipe.
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var endpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
        var gateway = new ServeProcessGateway(process, endpoint, new IPEndPoint(IPAddress.Loopback, adminPort));
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"proxyrotator serve exited with {process.ExitCode}:\n{Snapshot(log)}");
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(endpoint, ready.Token);
                return gateway;
            }
            catch (SocketException)
            {
                await Task.Delay(100, ready.Token);
            }
            catch (OperationCanceledException)
            {
                await gateway.DisposeAsync();
                throw new TimeoutException($"proxyrotator serve did not listen on {endpoint} within 60 s:\n{Snapshot(log)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: serve drains and exits 0; kill it if it does not.
            using (Process term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static string Config(IReadOnlyList<string> proxies, Uri healthUrl, string directory, int gatewayPort, int adminPort, string user, string password, string healthInterval)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("database", $"Data Source={Path.Combine(directory, "serve.db")}");
            json.WriteStartObject("gateway");
            json.WriteStartArray("listen");
            json.WriteStringValue($"127.0.0.1:{gatewayPort}");
            json.WriteEndArray();
            json.WriteNumber("maxConnections", 100_000);
            json.WriteBoolean("allowPrivateTargets", true);
            json.WriteEndObject();
            json.WriteStartObject("admin");
            json.WriteString("listen", $"127.0.0.1:{adminPort}");
            json.WriteString("apiKey", AdminKey);
            json.WriteEndObject();
            json.WriteStartArray("users");
            json.WriteStartObject();
            json.WriteString("name", user);
            json.WriteString("password", password);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("sessions");
            json.WriteNumber("maxPerAccount", SessionLoad.SessionCap);
            json.WriteNumber("maxTotal", SessionLoad.SessionCap);
            json.WriteEndObject();
            json.WriteStartObject("healthCheck");
            json.WriteString("url", healthUrl.ToString());
            json.WriteString("interval", healthInterval);
            json.WriteEndObject();
            json.WriteStartArray("pools");
            json.WriteStartObject();
            json.WriteString("name", "bench");
            json.WriteString("type", "datacenter");
            json.WriteStartArray("proxies");
            foreach (string proxy in proxies)
            {
                json.WriteStringValue(proxy);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.Length < 64 * 1024)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }
}
