using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// Kestrel's HTTP/1.1 parser as an oracle (its <c>HttpParser</c> is internal): a real Kestrel on a free loopback
/// port, configured as the gateway configures it (head limits, <c>AllowHostHeaderOverride</c>), whose application
/// answers 200 to whatever request reaches it. A head Kestrel accepts gets 200; one it refuses gets its 4xx/5xx or
/// a closed connection.
/// </summary>
internal sealed class KestrelOracle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IPEndPoint _endpoint;

    private KestrelOracle(WebApplication app, IPEndPoint endpoint)
    {
        _app = app;
        _endpoint = endpoint;
    }

    public static async Task<KestrelOracle> StartAsync(int maxHeadBytes)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = maxHeadBytes;
            kestrel.Limits.MaxRequestLineSize = Math.Min(maxHeadBytes, 16 * 1024);
            kestrel.AllowHostHeaderOverride = true;
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        WebApplication app = builder.Build();
        app.Run(static context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new KestrelOracle(app, new IPEndPoint(IPAddress.Loopback, address.Port));
    }

    /// <summary>
    /// Sends <paramref name="request"/> and returns the first answer's status (null: closed without one). The
    /// sending side is ended only when the bytes hold no complete head by Kestrel's rules (no empty line, LF or
    /// CRLF), else Kestrel might see the end of the connection before answering and drop the request.
    /// </summary>
    public async Task<int?> StatusForAsync(byte[] request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_endpoint, timeout.Token);
        bool hasHeadEnd = request.AsSpan().IndexOf("\n\n"u8) >= 0 || request.AsSpan().IndexOf("\n\r\n"u8) >= 0;
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            if (!hasHeadEnd)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (SocketException)
        {
            // Kestrel may refuse and close before reading everything; its answer (if any) is still readable.
        }

        var received = new List<byte>();
        var buffer = new byte[1024];
        try
        {
            while (received.Count < 64 * 1024 && received.IndexOf((byte)'\n') < 0)
            {
                int read;
                if (hasHeadEnd)
                {
                    // A head Kestrel is still waiting on (e.g. a body it expects): end the sending side after a while.
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                    wait.CancelAfter(TimeSpan.FromSeconds(3));
                    try
                    {
                        read = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                    }
                    catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
                    {
                        hasHeadEnd = false;
                        socket.Shutdown(SocketShutdown.Send);
                        continue;
                    }
                }
                else
                {
                    read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                }

                if (read == 0)
                {
                    break;
                }

                received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (SocketException)
        {
            // A reset after (or instead of) the answer.
        }

        string text = Encoding.Latin1.GetString([.. received]);
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out int status)
            ? status
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
