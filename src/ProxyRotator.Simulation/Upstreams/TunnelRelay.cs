using System.Buffers;
using System.Net.Sockets;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>
/// Copies bytes both ways between a client and a target. An end of stream is passed on as a half-close and
/// the other direction gets a grace period; an error on either side closes both at once.
/// </summary>
internal static class TunnelRelay
{
    private const int BufferSize = 32 * 1024;

    public static async Task RunAsync(
        Socket client, Socket target, TimeSpan halfCloseGrace, bool resetMidResponse, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task upstream = PumpAsync(client, target, resetAfterFirstRead: false, cts.Token);
        Task downstream = PumpAsync(target, client, resetMidResponse, cts.Token);
        Task first = await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
        if (first.IsCompletedSuccessfully)
        {
            Task other = first == upstream ? downstream : upstream;
            await Task.WhenAny(other, Task.Delay(halfCloseGrace, cts.Token)).ConfigureAwait(false);
        }

        await cts.CancelAsync().ConfigureAwait(false);
        client.Dispose();
        target.Dispose();
        try
        {
            await Task.WhenAll(upstream, downstream).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The usual ways a tunnel ends.
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, bool resetAfterFirstRead, CancellationToken cancellationToken)
    {
        // Wait for data before holding a buffer, so idle tunnels cost no buffer memory.
        await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    SocketIo.ShutdownSend(to);
                    return;
                }

                if (resetAfterFirstRead)
                {
                    await SocketIo.SendAllAsync(to, buffer.AsMemory(0, Math.Max(1, read / 2)), cancellationToken).ConfigureAwait(false);
                    SocketIo.Reset(to);
                    throw new IOException("Simulated reset mid-response.");
                }

                await SocketIo.SendAllAsync(to, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
