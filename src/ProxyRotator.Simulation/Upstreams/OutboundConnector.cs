using System.Net;
using System.Net.Sockets;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>Opens a proxy's outgoing connections from its own address, so an IP-echo origin sees which proxy it was.</summary>
internal static class OutboundConnector
{
    // Linux IP_BIND_ADDRESS_NO_PORT: pick the source port at connect time, so bind-before-connect does not
    // exhaust ports under load (connections to different targets may then share a source port).
    private const int IpBindAddressNoPort = 24;

    public static async Task<Socket> ConnectAsync(
        IPAddress sourceAddress, string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        IPAddress[] candidates;
        try
        {
            candidates = IPAddress.TryParse(host, out IPAddress? literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SocketException((int)SocketError.TimedOut);
        }

        if (candidates.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        // Prefer the family we can bind our own address for; fall back to the other one from the default address.
        IPAddress[] ordered = [.. candidates.Where(a => a.AddressFamily == sourceAddress.AddressFamily),
            .. candidates.Where(a => a.AddressFamily != sourceAddress.AddressFamily)];
        SocketException? last = null;
        foreach (IPAddress target in ordered)
        {
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (target.AddressFamily == sourceAddress.AddressFamily)
                {
                    if (OperatingSystem.IsLinux() && target.AddressFamily == AddressFamily.InterNetwork)
                    {
                        socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, BitConverter.GetBytes(1));
                    }

                    socket.Bind(new IPEndPoint(sourceAddress, 0));
                }

                await socket.ConnectAsync(new IPEndPoint(target, port), timeoutCts.Token).ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new SocketException((int)SocketError.TimedOut);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostUnreachable);
    }
}
