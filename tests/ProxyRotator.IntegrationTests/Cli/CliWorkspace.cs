using System.Net;
using System.Net.Sockets;

namespace ProxyRotator.IntegrationTests.Cli;

/// <summary>
/// A temporary folder with a configuration file for CLI tests, and the means to run the command line on it:
/// in-process through <see cref="ProxyRotatorCommandLine"/>, or as the built <c>proxyrotator</c> executable.
/// </summary>
internal sealed class CliWorkspace : IDisposable
{
    public const string ApiKey = "integration-test-key-0123456789";

    public string Folder { get; } = Directory.CreateTempSubdirectory("proxyrotator-cli-it-").FullName;

    public string ConfigPath => Path.Combine(Folder, "pools.json");

    public string DatabasePath => Path.Combine(Folder, "proxyrotator.db");

    /// <summary>Writes pools.json with the given pools (JSON array text) and listeners on the given ports (free ones by default).</summary>
    public string WriteConfig(string poolsJson, int? gatewayPort = null, int? adminPort = null)
    {
        gatewayPort ??= FreePort();
        adminPort ??= FreePort();
        File.WriteAllText(ConfigPath, $$"""
            // written by a test
            {
              "database": "Data Source=proxyrotator.db",
              "gateway": { "listen": ["127.0.0.1:{{gatewayPort}}"] },
              "admin": { "listen": "127.0.0.1:{{adminPort}}", "apiKey": "{{ApiKey}}" },
              "users": [ { "name": "tester", "password": "secret" } ],
              // health probes stay on loopback: tests never reach out of this machine
              "healthCheck": { "url": "http://127.0.0.1:9/" },
              "pools": {{poolsJson}},
            }
            """);
        return ConfigPath;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await ProxyRotatorCommandLine.InvokeAsync(args, output, error, cancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A port that was free a moment ago (the OS does not hand it out again at once).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:<paramref name="port"/>; false on timeout or when <paramref name="givenUp"/> says so.</summary>
    public static async Task<bool> WaitForListenerAsync(int port, TimeSpan timeout, Func<bool>? givenUp = null)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && givenUp?.Invoke() != true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    /// <summary>The built executable (proxyrotator.dll) next to this test assembly's build configuration.</summary>
    public static string ExecutablePath()
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ProxyRotator.sln")))
            {
                return Path.Combine(directory.FullName, "src", "ProxyRotator", "bin", configuration, "net10.0", "proxyrotator.dll");
            }
        }

        throw new InvalidOperationException("ProxyRotator.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}
