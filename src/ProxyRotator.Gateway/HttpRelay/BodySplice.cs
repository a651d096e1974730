using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// Relays the rest of a Content-Length body from one socket to another through a <see cref="SplicePipe"/> (Linux), so
/// its bytes never enter user space: the <see cref="BodyRelay"/> copy loop's work without its two copies. The length
/// still bounds what is taken from the source (a spliced call never asks for more than the body has left), every byte
/// is counted on the <see cref="BodyScanner"/>, and each wait is bounded by the idle timeout as on the copy path.
/// Waits the .NET way: a zero-byte receive for the source to become readable; when the destination's send buffer is
/// full, the pipe's bytes are read out and sent with an ordinary write (which waits for room).
/// </summary>
[SupportedOSPlatform("linux")]
internal static class BodySplice
{
    /// <summary>
    /// Relays until the body's end, after whatever the pipe already holds (the response head, so that it leaves with
    /// the first body bytes in one send). Null when a splice from the source failed and the pipe could be emptied
    /// (splice refused for these sockets, or the source broke): the copy path takes over from the scanner's state and
    /// reports any failure. After an end other than <see cref="BodyRelayEnd.Complete"/> the pipe may still hold bytes.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<BodyRelayEnd?> RelayAsync(
        Socket source, Socket destination, Stream destinationStream, SplicePipe pipe, BodyScanner scanner, RelayDeadline deadline, TimeSpan idleTimeout)
    {
        while (true)
        {
            // In as much as the source has (and the pipe takes), then all of it out: one send per turn.
            BodyRelayEnd? sourceEnd = null;
            bool wait = false;
            if (!scanner.IsComplete)
            {
                int read = pipe.SpliceFrom(source.SafeHandle, (int)Math.Min(scanner.RemainingLength, int.MaxValue));
                if (read > 0)
                {
                    scanner.Skip(read);
                }
                else if (read == SplicePipe.WouldBlock)
                {
                    // Nothing to read (or, with bytes in it, the pipe is full): send what it holds first.
                    wait = pipe.Buffered == 0;
                }
                else
                {
                    sourceEnd = read == 0 ? BodyRelayEnd.SourceEnded : null;
                    if (pipe.Buffered == 0)
                    {
                        return sourceEnd;
                    }
                }
            }

            if (wait)
            {
                try
                {
                    await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, deadline.Arm(idleTimeout)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return deadline.Expired ? BodyRelayEnd.TimedOut : BodyRelayEnd.SourceFailed;
                }
                finally
                {
                    deadline.Disarm();
                }

                continue;
            }

            while (pipe.Buffered > 0)
            {
                int sent = pipe.SpliceTo(destination.SafeHandle);
                if (sent > 0)
                {
                    continue;
                }

                if (sent != SplicePipe.WouldBlock)
                {
                    return BodyRelayEnd.DestinationFailed;
                }

                if (await SendBufferedAsync(pipe, destinationStream, deadline, idleTimeout).ConfigureAwait(false) is { } failed)
                {
                    return failed;
                }
            }

            if (sourceEnd is not null || scanner.IsComplete)
            {
                return sourceEnd ?? BodyRelayEnd.Complete;
            }
        }
    }

    /// <summary>The destination cannot take more now: the pipe's bytes go through a pooled buffer and an ordinary write.</summary>
    private static async ValueTask<BodyRelayEnd?> SendBufferedAsync(SplicePipe pipe, Stream destination, RelayDeadline deadline, TimeSpan idleTimeout)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(pipe.Buffered);
        try
        {
            int count = pipe.ReadInto(buffer);
            if (count <= 0)
            {
                return BodyRelayEnd.DestinationFailed;
            }

            await destination.WriteAsync(buffer.AsMemory(0, count), deadline.Arm(idleTimeout)).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return deadline.Expired ? BodyRelayEnd.TimedOut : BodyRelayEnd.DestinationFailed;
        }
        finally
        {
            deadline.Disarm();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
