using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ProxyRotator.Core.Metrics;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.Gateway.Udp;

/// <summary>
/// Relays one client's SOCKS5 UDP association through an upstream's association (RFC 1928 §7). The client's datagrams
/// arrive on the gateway's relay socket, only from the client's own address and port (declared in the request, else the
/// first datagram's); each one's destination passes the target
/// policy (and, for a local upstream, is resolved and checked by the gateway) or is dropped and counted; fragments
/// (FRAG ≠ 0) are dropped. Datagrams keep their header on the way to the upstream's relay and back. It ends when the
/// client's TCP control connection closes, the upstream's closes, or nothing moved for the idle timeout.
/// </summary>
public sealed partial class Socks5UdpRelay(
    TargetPolicy policy,
    UpstreamTargetResolver targets,
    GatewayMetrics metrics,
    TimeProvider timeProvider,
    ILogger<Socks5UdpRelay> logger)
{
    private const int MaxDatagram = 65536;

    /// <summary>A UDP socket on <paramref name="address"/> (the address the client reached the gateway on), free port.</summary>
    public static Socket BindRelaySocket(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, 0));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <param name="relaySocket">The gateway's relay socket the client was told about.</param>
    /// <param name="client">The client's address (its TCP control connection's): only its datagrams are taken.</param>
    /// <param name="clientPort">
    /// The client's declared source port (RFC 1928 §7: DST.PORT of the request): only datagrams from it are taken. 0 when
    /// not declared: the first datagram from <paramref name="client"/> that is relayed fixes it.
    /// </param>
    /// <param name="clientControl">The client's TCP control connection: the association ends when it closes.</param>
    /// <param name="upstream">The upstream whose association carries the datagrams.</param>
    public async Task<RelayResult> RunAsync(
        Socket relaySocket,
        IPAddress client,
        int clientPort,
        PipeReader clientControl,
        UpstreamProxy upstream,
        UpstreamUdpAssociation association,
        TimeSpan idleTimeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relaySocket);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(clientControl);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(association);

        // The upstream sees the same source address on its UDP relay as on its control connection; connecting the
        // socket makes the kernel take datagrams from the upstream's relay only.
        IPAddress localAddress = (association.Control.Socket.LocalEndPoint as IPEndPoint)?.Address
            ?? (association.Relay.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any);
        using var upstreamSocket = new Socket(association.Relay.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (localAddress.AddressFamily == association.Relay.AddressFamily)
        {
            upstreamSocket.Bind(new IPEndPoint(localAddress, 0));
        }

        await upstreamSocket.ConnectAsync(association.Relay, cancellationToken).ConfigureAwait(false);

        using var idle = new CancellationTokenSource(idleTimeout, timeProvider);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var state = new AssociationState(Normalize(client), relaySocket, upstreamSocket, upstream, idle, idleTimeout)
        {
            ClientEndPoint = clientPort != 0 ? new IPEndPoint(Normalize(client), clientPort) : null,
        };

        Task<RelayEnd> fromClient = ClientToUpstreamAsync(state, ended.Token);
        Task<RelayEnd> toClient = UpstreamToClientAsync(state, ended.Token);
        Task<RelayEnd> clientClosed = WatchClientControlAsync(clientControl, ended.Token);
        Task<RelayEnd> upstreamClosed = WatchUpstreamControlAsync(association.Control.Stream, ended.Token);
        Task<RelayEnd> first = await Task.WhenAny(fromClient, toClient, clientClosed, upstreamClosed).ConfigureAwait(false);
        RelayEnd end = idle.IsCancellationRequested ? RelayEnd.IdleTimeout
            : cancellationToken.IsCancellationRequested ? RelayEnd.Cancelled
            : await first.ConfigureAwait(false);
        await ended.CancelAsync().ConfigureAwait(false);
        relaySocket.Close();
        upstreamSocket.Close();
        await ((Task)Task.WhenAll(fromClient, toClient, clientClosed, upstreamClosed)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (state.Dropped > 0)
        {
            LogDropped(logger, upstream.Id, state.Dropped);
        }

        return new RelayResult(state.BytesFromClient, state.BytesToClient, end);
    }

    private async Task<RelayEnd> ClientToUpstreamAsync(AssociationState state, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MaxDatagram];
        byte[] rewritten = new byte[MaxDatagram];
        EndPoint any = new IPEndPoint(state.RelaySocket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        try
        {
            while (true)
            {
                SocketReceiveFromResult received = await state.RelaySocket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                var source = (IPEndPoint)received.RemoteEndPoint;

                // Only the client's own address, and its declared port, else the port of the first datagram relayed.
                if (!Normalize(source.Address).Equals(state.Client) || (state.ClientEndPoint is { } known && known.Port != source.Port))
                {
                    Drop(state, "foreign-source");
                    continue;
                }

                ReadOnlyMemory<byte> datagram = buffer.AsMemory(0, received.ReceivedBytes);
                if (!Socks5UdpHeader.TryParse(datagram.Span, out Socks5UdpHeader header))
                {
                    Drop(state, "malformed");
                    continue;
                }

                if (header.Fragment != 0)
                {
                    Drop(state, "fragment");
                    continue;
                }

                if (!policy.Evaluate(header.Host, header.Port).IsAllowed)
                {
                    LogTargetDropped(logger, header.Host, header.Port);
                    Drop(state, "forbidden");
                    continue;
                }

                if (header.AddressType == 0x03 && targets.IsLocal(state.Upstream))
                {
                    // A local upstream would resolve the name where the gateway's own services live: resolve and check it here.
                    TargetResolution resolution = await targets.ResolveAsync(state.Upstream, header.Host, header.Port, cancellationToken).ConfigureAwait(false);
                    if (resolution.Host is not { } checkedHost || !IPAddress.TryParse(checkedHost.Trim('[', ']'), out IPAddress? address))
                    {
                        Drop(state, resolution.IsRefused ? "forbidden" : "unresolved");
                        continue;
                    }

                    int headerLength = Socks5UdpHeader.Write(rewritten, address, header.Port);
                    int payload = received.ReceivedBytes - header.Length;
                    buffer.AsSpan(header.Length, payload).CopyTo(rewritten.AsSpan(headerLength));
                    datagram = rewritten.AsMemory(0, headerLength + payload);
                }

                state.ClientEndPoint ??= source;
                await state.UpstreamSocket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                state.BytesFromClient += received.ReceivedBytes - header.Length;
                state.Touch();
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return RelayEnd.ClientClosed;
        }
    }

    private static async Task<RelayEnd> UpstreamToClientAsync(AssociationState state, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MaxDatagram];
        try
        {
            while (true)
            {
                int received = await state.UpstreamSocket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (state.ClientEndPoint is not { } client
                    || !Socks5UdpHeader.TryParse(buffer.AsSpan(0, received), out Socks5UdpHeader header)
                    || header.Fragment != 0)
                {
                    continue;
                }

                await state.RelaySocket.SendToAsync(buffer.AsMemory(0, received), SocketFlags.None, client, cancellationToken).ConfigureAwait(false);
                state.BytesToClient += received - header.Length;
                state.Touch();
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return RelayEnd.UpstreamFailed;
        }
    }

    /// <summary>The association lives as long as the client's TCP control connection (RFC 1928 §7).</summary>
    private static async Task<RelayEnd> WatchClientControlAsync(PipeReader control, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadResult result = await control.ReadAsync(cancellationToken).ConfigureAwait(false);
                control.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return RelayEnd.ClientClosed;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            return RelayEnd.ClientClosed;
        }
    }

    private static async Task<RelayEnd> WatchUpstreamControlAsync(Stream control, CancellationToken cancellationToken)
    {
        byte[] sink = new byte[64];
        try
        {
            while (await control.ReadAsync(sink, cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            return RelayEnd.UpstreamClosed;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return RelayEnd.UpstreamFailed;
        }
    }

    private void Drop(AssociationState state, string reason)
    {
        state.Dropped++;
        metrics.RecordUdpDropped(reason);
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    [LoggerMessage(EventId = 2301, Level = LogLevel.Debug, Message = "SOCKS5 UDP datagram to a forbidden target {Host}:{Port} dropped")]
    private static partial void LogTargetDropped(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "SOCKS5 UDP association through upstream #{UpstreamId} dropped {Dropped} datagrams")]
    private static partial void LogDropped(ILogger logger, long upstreamId, long dropped);

    private sealed class AssociationState(IPAddress client, Socket relaySocket, Socket upstreamSocket, UpstreamProxy upstream, CancellationTokenSource idle, TimeSpan idleTimeout)
    {
        public IPAddress Client { get; } = client;
        public Socket RelaySocket { get; } = relaySocket;
        public Socket UpstreamSocket { get; } = upstreamSocket;
        public UpstreamProxy Upstream { get; } = upstream;
        public IPEndPoint? ClientEndPoint { get; set; }
        public long BytesFromClient { get; set; }
        public long BytesToClient { get; set; }
        public long Dropped { get; set; }

        /// <summary>Traffic in either direction re-arms the idle timeout.</summary>
        public void Touch() => idle.CancelAfter(idleTimeout);
    }
}
