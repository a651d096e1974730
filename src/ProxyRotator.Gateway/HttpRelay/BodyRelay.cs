using System.Net.Sockets;
using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// Relays one message body from a <see cref="RelayReadBuffer"/> to a stream: whatever the buffer holds goes out in
/// one write, then the buffer is refilled, so a large body moves in buffer-sized chunks; the <see cref="BodyScanner"/>
/// says where the body ends. Each wait for bytes is bounded by the idle timeout.
/// </summary>
internal static class BodyRelay
{
    public static async ValueTask<BodyRelayEnd> RelayAsync(
        RelayReadBuffer source, Stream destination, BodyScanner scanner, BanBodyInspector? inspector, RelayDeadline deadline, TimeSpan idleTimeout)
    {
        while (!scanner.IsComplete)
        {
            if (source.Count > 0)
            {
                int take = scanner.Scan(source.Span, inspector);
                if (take < 0)
                {
                    return BodyRelayEnd.SourceFailed;
                }

                if (take > 0)
                {
                    try
                    {
                        await destination.WriteAsync(source.Memory[..take], deadline.Arm(idleTimeout)).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                    {
                        return deadline.Expired ? BodyRelayEnd.TimedOut : BodyRelayEnd.DestinationFailed;
                    }
                    finally
                    {
                        deadline.Disarm();
                    }

                    source.Consume(take);
                    continue;
                }
            }

            int read;
            try
            {
                read = await source.FillAsync(deadline.Arm(idleTimeout)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return deadline.Expired ? BodyRelayEnd.TimedOut : BodyRelayEnd.SourceFailed;
            }
            finally
            {
                deadline.Disarm();
            }

            if (read < 0)
            {
                // A chunk line longer than the whole buffer.
                return BodyRelayEnd.SourceFailed;
            }

            if (read == 0)
            {
                scanner.EndOfStream();
                return scanner.IsComplete ? BodyRelayEnd.Complete : BodyRelayEnd.SourceEnded;
            }
        }

        return BodyRelayEnd.Complete;
    }
}
