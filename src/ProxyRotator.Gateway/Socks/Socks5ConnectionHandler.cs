using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using ProxyRotator.Core.Accounts;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Gateway.Pipeline;
using ProxyRotator.Gateway.Relay;

namespace ProxyRotator.Gateway.Socks;

/// <summary>
/// The SOCKS5 front end (RFC 1928 CONNECT and UDP ASSOCIATE, RFC 1929 username/password; no authentication only for a client address on an account's allow-list): the handshake under the head timeout,
/// admission through the <see cref="RequestPipeline"/> when the credentials arrive, then the same pipeline as HTTP
/// CONNECT; its answers are rendered as SOCKS5 replies.
/// </summary>
public sealed class Socks5ConnectionHandler(
    RequestPipeline pipeline,
    TunnelRelay relay,
    ProxyRotatorConfig config,
    Udp.Socks5UdpAssociateHandler udp,
    AccountDirectory accounts)
{
    private delegate bool MessageParser(in ReadOnlySequence<byte> buffer, out long consumed);

    /// <param name="handshakeToken">Cancelled when the client is too slow with its handshake.</param>
    /// <param name="connectionToken">Cancelled when the connection closes.</param>
    public async Task HandleAsync(ConnectionContext connection, CancellationToken handshakeToken, CancellationToken connectionToken)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;

        bool offersUserPassword = false, offersNoAuthentication = false;
        string? error = null;
        if (!await ReadMessageAsync(input, (in ReadOnlySequence<byte> b, out long c) =>
            Socks5Parser.TryParseGreeting(b, out c, out offersUserPassword, out offersNoAuthentication, out error), handshakeToken).ConfigureAwait(false))
        {
            return;
        }

        // Method 0x00 only for a client whose address is on an account's allow-list and that offers no 0x02: a client
        // offering 0x02 has a username to send, which may carry targeting.
        var client = connection.RemoteEndPoint as IPEndPoint;
        bool noAuthentication = error is null && !offersUserPassword && offersNoAuthentication && accounts.Current.FindByAddress(client?.Address) is not null;

        // A malformed greeting (no methods, unassigned method codes) is answered at once, as one without user/password.
        if (error is not null || !(offersUserPassword || noAuthentication))
        {
            await WriteAsync(output, [Socks5Constants.Version, Socks5Constants.MethodNoAcceptable], connectionToken).ConfigureAwait(false);
            return;
        }

        await WriteAsync(output, [Socks5Constants.Version, noAuthentication ? Socks5Constants.MethodNoAuthentication : Socks5Constants.MethodUsernamePassword], connectionToken).ConfigureAwait(false);

        byte[] username = [], password = [];
        if (!noAuthentication
            && !await ReadMessageAsync(input, (in ReadOnlySequence<byte> b, out long c) => Socks5Parser.TryParseCredentials(b, out c, out username, out password, out error), handshakeToken).ConfigureAwait(false))
        {
            return;
        }

        GatewayRequest request = pipeline.CreateTunnelRequest(GatewayProtocol.Socks5, client);
        try
        {
            // Without authentication the address alone admits (as an HTTP request without Proxy-Authorization).
            // A malformed RFC 1929 message is admitted as no credentials at all: refused like a wrong password.
            ClientCredentials credentials = noAuthentication ? ClientCredentials.Basic(null)
                : error is null ? ClientCredentials.Socks(username, password) : ClientCredentials.Socks([], []);
            if (pipeline.Admit(request, credentials) is not null)
            {
                if (noAuthentication)
                {
                    await ReplyAsync(output, Socks5Constants.ReplyNotAllowed, connectionToken).ConfigureAwait(false);
                    return;
                }

                await WriteAsync(output, [Socks5Constants.AuthVersion, Socks5Constants.AuthFailed], connectionToken).ConfigureAwait(false);
                return;
            }

            if (!noAuthentication)
            {
                await WriteAsync(output, [Socks5Constants.AuthVersion, Socks5Constants.AuthSucceeded], connectionToken).ConfigureAwait(false);
            }

            Socks5Request command = default;
            if (!await ReadMessageAsync(input, (in ReadOnlySequence<byte> b, out long c) => Socks5Parser.TryParseRequest(b, out c, out command, out error), handshakeToken).ConfigureAwait(false))
            {
                return;
            }

            byte? refusal = error is not null ? Socks5Constants.ReplyGeneralFailure
                : command.Host.Length == 0 ? Socks5Constants.ReplyAddressTypeNotSupported
                : command.Command == Socks5Constants.CommandUdpAssociate ? (udp.IsAvailable ? null : Socks5Constants.ReplyCommandNotSupported)
                : command.Command != Socks5Constants.CommandConnect ? Socks5Constants.ReplyCommandNotSupported
                : null;
            if (refusal is { } reply)
            {
                request.Answer = GatewayAnswer.BadRequest("unsupported SOCKS5 request") with { SocksReply = reply };
                await ReplyAsync(output, reply, connectionToken).ConfigureAwait(false);
                return;
            }

            if (command.Command == Socks5Constants.CommandUdpAssociate)
            {
                await udp.HandleAsync(connection, request, command, connectionToken).ConfigureAwait(false);
                return;
            }

            pipeline.SetTarget(request, command.Host, command.Port);
            if (await pipeline.RunAsync(request, connectionToken).ConfigureAwait(false) is { } answer)
            {
                await ReplyAsync(output, answer.SocksReply, connectionToken).ConfigureAwait(false);
                return;
            }

            Core.Upstreams.UpstreamConnection tunnel = request.Tunnel!;
            await using (tunnel.ConfigureAwait(false))
            {
                RelayResult result = default;
                try
                {
                    await ReplyAsync(output, Socks5Constants.ReplySucceeded, connectionToken).ConfigureAwait(false);
                    result = await relay.RunAsync(connection.Transport, tunnel.Stream, tunnel.Socket, config.Gateway.IdleTimeout, connectionToken, request.TunnelMeter).ConfigureAwait(false);
                }
                finally
                {
                    pipeline.TunnelEnded(request, result);
                }
            }
        }
        finally
        {
            pipeline.Complete(request);
        }
    }

    private static async ValueTask<bool> ReadMessageAsync(PipeReader input, MessageParser parse, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (parse(buffer, out long consumed))
            {
                input.AdvanceTo(buffer.GetPosition(consumed));
                return true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled || buffer.Length > 1024)
            {
                return false;
            }
        }
    }

    // BND.ADDR/BND.PORT are 0.0.0.0:0: the upstream's own bound address is not the client's business.
    private static ValueTask ReplyAsync(PipeWriter output, byte reply, CancellationToken cancellationToken) =>
        WriteAsync(output, [Socks5Constants.Version, reply, 0x00, Socks5Constants.AddressIPv4, 0, 0, 0, 0, 0, 0], cancellationToken);

    private static async ValueTask WriteAsync(PipeWriter output, byte[] bytes, CancellationToken cancellationToken) =>
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
}
