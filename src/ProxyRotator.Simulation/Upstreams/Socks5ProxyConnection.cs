using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>One client connection speaking SOCKS5: RFC 1928 CONNECT with RFC 1929 username/password.</summary>
internal sealed class Socks5ProxyConnection(SimulatedUpstreamProxy proxy, BufferedSocket client)
{
    private const byte NoAuthentication = 0x00;
    private const byte UsernamePassword = 0x02;
    private const byte NoAcceptableMethod = 0xFF;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!await client.EnsureAsync(2, cancellationToken).ConfigureAwait(false) || client.Buffered[0] != 5)
        {
            return;
        }

        int methodCount = client.Buffered[1];
        if (!await client.EnsureAsync(2 + methodCount, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        ReadOnlySpan<byte> methods = client.Buffered.Slice(2, methodCount);
        bool offersNone = methods.Contains(NoAuthentication);
        bool offersPassword = methods.Contains(UsernamePassword);
        client.Consume(2 + methodCount);

        SimulatedFault fault = proxy.Fault;
        if (fault == SimulatedFault.Stall)
        {
            await proxy.StallAsync(client, cancellationToken).ConfigureAwait(false);
            return;
        }

        bool requireAuthentication = proxy.Options.Username is not null || fault == SimulatedFault.Answer407;
        byte method = offersPassword ? UsernamePassword
            : offersNone && !requireAuthentication ? NoAuthentication
            : NoAcceptableMethod;
        await SendAsync([5, method], cancellationToken).ConfigureAwait(false);
        if (method == NoAcceptableMethod
            || (method == UsernamePassword && !await AuthenticateAsync(fault, cancellationToken).ConfigureAwait(false)))
        {
            return;
        }

        await HandleRequestAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 1929 sub-negotiation; answers and returns whether the client may go on.</summary>
    private async Task<bool> AuthenticateAsync(SimulatedFault fault, CancellationToken cancellationToken)
    {
        if (!await client.EnsureAsync(2, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        int userLength = client.Buffered[1];
        if (!await client.EnsureAsync(3 + userLength, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        int passwordLength = client.Buffered[2 + userLength];
        if (!await client.EnsureAsync(3 + userLength + passwordLength, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        bool versionOk = client.Buffered[0] == 1;
        string user = Encoding.UTF8.GetString(client.Buffered.Slice(2, userLength));
        string password = Encoding.UTF8.GetString(client.Buffered.Slice(3 + userLength, passwordLength));
        client.Consume(3 + userLength + passwordLength);

        SimulatedUpstreamOptions options = proxy.Options;
        bool ok = versionOk && fault != SimulatedFault.Answer407
            && (options.Username is null || (user == options.Username && password == (options.Password ?? string.Empty)));
        await SendAsync([1, ok ? (byte)0 : (byte)1], cancellationToken).ConfigureAwait(false);
        return ok;
    }

    private async Task HandleRequestAsync(CancellationToken cancellationToken)
    {
        if (!await client.EnsureAsync(5, cancellationToken).ConfigureAwait(false) || client.Buffered[0] != 5)
        {
            return;
        }

        byte command = client.Buffered[1];
        byte addressType = client.Buffered[3];
        int addressLength = addressType switch
        {
            1 => 4,
            4 => 16,
            3 => 1 + client.Buffered[4],
            _ => -1,
        };
        if (addressLength < 0)
        {
            await ReplyAsync(0x08, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await client.EnsureAsync(4 + addressLength + 2, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        ReadOnlySpan<byte> address = client.Buffered.Slice(4, addressLength);
        string host = addressType == 3 ? Encoding.ASCII.GetString(address[1..]) : new IPAddress(address).ToString();
        int port = BinaryPrimitives.ReadUInt16BigEndian(client.Buffered.Slice(4 + addressLength, 2));
        client.Consume(4 + addressLength + 2);

        if (command == 3 && proxy.Options.SupportsUdp)
        {
            await RunUdpAssociationAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (command != 1)
        {
            await ReplyAsync(0x07, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        SimulatedFault fault = proxy.Fault;
        if (fault == SimulatedFault.Answer502)
        {
            await ReplyAsync(0x01, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        Socket target;
        try
        {
            target = await OutboundConnector.ConnectAsync(
                proxy.OutgoingAddress, host, port, proxy.Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            await ReplyAsync(FailureReply(ex.SocketErrorCode), null, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            proxy.CountRequest(); // before the client can see the reply (tests read the count after it)
            await ReplyAsync(0x00, target.LocalEndPoint as IPEndPoint, cancellationToken).ConfigureAwait(false);
            if (client.BufferedCount > 0)
            {
                await client.SendBufferedAsync(target, client.BufferedCount, cancellationToken).ConfigureAwait(false);
            }

            await TunnelRelay.RunAsync(client.Socket, target, proxy.Options.HalfCloseGrace,
                fault == SimulatedFault.ResetMidResponse, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            target.Dispose();
        }
    }

    /// <summary>RFC 1928 §7: relays datagrams until the control connection closes.</summary>
    private async Task RunUdpAssociationAsync(CancellationToken cancellationToken)
    {
        using var relay = new Socket(proxy.Options.ListenAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        relay.Bind(new IPEndPoint(proxy.Options.ListenAddress, 0));
        using var outgoing = new Socket(proxy.OutgoingAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        outgoing.Bind(new IPEndPoint(proxy.OutgoingAddress, 0));
        proxy.CountRequest();
        await ReplyAsync(0x00, (IPEndPoint)relay.LocalEndPoint!, cancellationToken).ConfigureAwait(false);

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var associate = new SimulatedUdpAssociation(relay, outgoing);
        Task relaying = associate.RunAsync(ended.Token);
        try
        {
            // The association lives as long as its TCP control connection.
            var sink = new byte[64];
            while (await client.Socket.ReceiveAsync(sink, SocketFlags.None, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }
        finally
        {
            await ended.CancelAsync().ConfigureAwait(false);
            await relaying.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static byte FailureReply(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => 0x05,
        SocketError.NetworkUnreachable => 0x03,
        SocketError.HostUnreachable or SocketError.HostNotFound or SocketError.TimedOut => 0x04,
        _ => 0x01,
    };

    private Task ReplyAsync(byte reply, IPEndPoint? bound, CancellationToken cancellationToken)
    {
        IPAddress address = bound?.Address ?? IPAddress.Any;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        byte[] addressBytes = address.GetAddressBytes();
        byte[] message = new byte[4 + addressBytes.Length + 2];
        message[0] = 5;
        message[1] = reply;
        message[3] = addressBytes.Length == 4 ? (byte)1 : (byte)4;
        addressBytes.CopyTo(message, 4);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4 + addressBytes.Length), (ushort)(bound?.Port ?? 0));
        return SendAsync(message, cancellationToken);
    }

    private async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        try
        {
            await SocketIo.SendAllAsync(client.Socket, message, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // The client left; nothing to tell it.
        }
    }
}
