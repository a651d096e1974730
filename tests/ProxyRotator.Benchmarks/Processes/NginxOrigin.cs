using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>
/// Debian's nginx as the origin, one process (<c>master_process off</c>), serving a 1 KB and a 100 KB file on a free
/// loopback port, keep-alive without a request limit, no access log.
/// </summary>
internal sealed class NginxOrigin : IAsyncDisposable
{
    public const string SmallPath = "/1k";
    public const string BulkPath = "/100k";
    public const int BulkBytes = 100 * 1024;

    private readonly Process _process;

    private NginxOrigin(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string Authority => $"127.0.0.1:{Port}";

    public static async Task<NginxOrigin> StartAsync(string directory)
    {
        string root = Path.Combine(directory, "www");
        Directory.CreateDirectory(root);
        await File.WriteAllBytesAsync(Path.Combine(root, "1k"), Filled(1024));
        await File.WriteAllBytesAsync(Path.Combine(root, "100k"), Filled(BulkBytes));
        int port = FreePort();
        string config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/nginx-error.log warn;
            events { worker_connections 16384; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/nginx-body;
                proxy_temp_path {{directory}}/nginx-proxy;
                fastcgi_temp_path {{directory}}/nginx-fastcgi;
                uwsgi_temp_path {{directory}}/nginx-uwsgi;
                scgi_temp_path {{directory}}/nginx-scgi;
                keepalive_requests 100000000;
                keepalive_timeout 300s;
                sendfile on;
                tcp_nopush on;
                default_type application/octet-stream;
                server {
                    listen 127.0.0.1:{{port}} backlog=4096;
                    root {{root}};
                }
            }
            """);
        var start = new ProcessStartInfo("nginx") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "-p", directory, "-c", config })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start nginx");
        var origin = new NginxOrigin(process, port);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return origin;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        await origin.DisposeAsync();
        throw new TimeoutException("nginx did not listen within 5 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static byte[] Filled(int length)
    {
        byte[] bytes = new byte[length];
        Array.Fill(bytes, (byte)'x');
        return bytes;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
