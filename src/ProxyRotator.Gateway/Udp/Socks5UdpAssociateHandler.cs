using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Relay;
using ProxyRotator.Gateway.Socks;

namespace ProxyRotator.Gateway.Udp;

/// <summary>
/// A SOCKS5 client's UDP ASSOCIATE (RFC 1928 §7), after admission: the request pipeline picks a UDP-capable upstream
/// (a <c>"udp": true</c> pool's) and opens its association; the gateway then binds its own relay socket on the address
/// the client reached it on, tells the client that address, and runs the <see cref="Socks5UdpRelay"/> until the
/// client's TCP control connection closes. No UDP-capable upstream matching the targeting: reply 0x07. The client's
/// datagrams are taken from the source the request declared (DST.ADDR/DST.PORT), or the first one's when it sent zeros.
/// </summary>
public sealed class Socks5UdpAssociateHandler(RequestPipeline pipeline, Socks5UdpRelay relay, ProxyRotatorConfig config)
{
    /// <summary>Whether UDP ASSOCIATE can be served at all (some pool is marked <c>"udp": true</c>).</summary>
    public bool IsAvailable => pipeline.SupportsUdp;

    /// <summary>Runs the association; the caller completes <paramref name="request"/>.</summary>
    /// <param name="connection">The client's TCP control connection.</param>
    /// <param name="request">The admitted request.</param>
    /// <param name="declared">DST.ADDR and DST.PORT of the UDP ASSOCIATE request: where the client will send from (RFC 1928 §7), zeros when it does not know.</param>
    /// <param name="cancellationToken">Ends the association.</param>
    public async Task HandleAsync(ConnectionContext connection, GatewayRequest request, Socks5Request declared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        PipeWriter output = connection.Transport.Output;
        pipeline.SetUdpAssociate(request);
        if (await pipeline.RunAsync(request, cancellationToken).ConfigureAwait(false) is { } answer)
        {
            // No upstream that matches the targeting carries UDP: the command is not supported for this client.
            byte reply = answer.ErrorCode == GatewayErrorCode.NoUpstream ? Socks5Constants.ReplyCommandNotSupported : answer.SocksReply;
            request.Answer = answer with { SocksReply = reply };
            await ReplyAsync(output, reply, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        Core.Upstreams.UpstreamUdpAssociation association = request.UdpAssociation!;
        await using (association.ConfigureAwait(false))
        {
            RelayResult result = default;
            try
            {
                if (connection.RemoteEndPoint is not IPEndPoint client || connection.LocalEndPoint is not IPEndPoint local)
                {
                    request.Answer = GatewayAnswer.BadRequest("UDP ASSOCIATE needs an IP connection") with { SocksReply = Socks5Constants.ReplyGeneralFailure };
                    await ReplyAsync(output, Socks5Constants.ReplyGeneralFailure, null, cancellationToken).ConfigureAwait(false);
                    return;
                }

                IPAddress listen = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
                using Socket relaySocket = Socks5UdpRelay.BindRelaySocket(listen);
                await ReplyAsync(output, Socks5Constants.ReplySucceeded, (IPEndPoint)relaySocket.LocalEndPoint!, cancellationToken).ConfigureAwait(false);
                result = await relay.RunAsync(relaySocket, client.Address, DeclaredSourcePort(declared, client.Address), connection.Transport.Input, request.Upstream!, association,
                    config.Gateway.IdleTimeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                pipeline.TunnelEnded(request, result);
            }
        }
    }

    /// <summary>
    /// The source port the client declared, when it is one of the control connection's host: datagrams are then taken from
    /// that port only, from the first on. 0 (learn it from the first datagram) when the client sent zeros, or named
    /// another address (a client behind NAT knows only its private one; the association never goes to another host).
    /// </summary>
    private static int DeclaredSourcePort(Socks5Request declared, IPAddress client)
    {
        if (declared.Port == 0 || !IPAddress.TryParse(declared.Host, out IPAddress? address))
        {
            return 0;
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        IPAddress peer = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(peer) ? declared.Port : 0;
    }

    private static async ValueTask ReplyAsync(PipeWriter output, byte reply, IPEndPoint? bound, CancellationToken cancellationToken)
    {
        // VER REP RSV ATYP BND.ADDR BND.PORT has the UDP header's layout (RSV RSV FRAG ATYP ...): write one, fix the first two bytes.
        byte[] message = new byte[22];
        int length = Socks5UdpHeader.Write(message, bound?.Address ?? IPAddress.Any, bound?.Port ?? 0);
        message[0] = Socks5Constants.Version;
        message[1] = reply;
        await output.WriteAsync(message.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
    }
}
