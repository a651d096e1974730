using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Listening;

namespace ProxyRotator.Gateway.Relay;

/// <summary>
/// Copies bytes both ways between a client connection and an upstream stream until one side ends: socket to socket
/// with pooled buffers when the gateway accepted the client itself (<see cref="SocketDuplexPipe"/>), else through
/// Kestrel's transport pipes. A client half-close is passed on to the upstream as a FIN; the end of the upstream or
/// any failure ends both directions at once, so neither side is left holding a socket. The byte counts
/// (<see cref="RelayResult"/>) are kept in one place per direction (<see cref="RelayState"/>), which also tells an
/// optional <see cref="IRelayByteMeter"/> and ends the tunnel when it says so (a spent byte quota).
/// </summary>
public sealed class TunnelRelay(TimeProvider timeProvider)
{
    private const int UpstreamReadSize = 16 * 1024;

    public async Task<RelayResult> RunAsync(IDuplexPipe client, Stream upstream, Socket? upstreamSocket, TimeSpan idleTimeout, CancellationToken cancellationToken, IRelayByteMeter? meter = null)
    {
        // One source ends the tunnel: the idle timer, the caller's token, or either direction (which records why first).
        using var idle = new IdleWatch(idleTimeout, timeProvider, cancellationToken);
        CancellationTokenSource linked = idle.Source;
        var state = new RelayState(meter, linked);

        if (client is SocketDuplexPipe raw && await SendBufferedAsync(raw.Input, upstream, state, linked.Token).ConfigureAwait(false))
        {
            // From here on nothing on this connection blocks: its completions need no thread-pool hop each.
            InlineSocketCompletions.TryEnable(raw.Socket);
            Task toUpstream = PumpSocketToUpstreamAsync(raw.Socket, upstream, upstreamSocket, idle, state, linked);
            Task toClient = PumpUpstreamToSocketAsync(upstream, raw, idle, state, linked);
            await Task.WhenAll(toUpstream, toClient).ConfigureAwait(false);
        }
        else if (client is not SocketDuplexPipe)
        {
            Task toUpstream = PumpClientToUpstreamAsync(client.Input, upstream, upstreamSocket, idle, state, linked);
            Task toClient = PumpUpstreamToClientAsync(upstream, client.Input, client.Output, idle, state, linked);
            await Task.WhenAll(toUpstream, toClient).ConfigureAwait(false);
        }

        RelayEnd end = state.End ?? RelayEnd.UpstreamClosed;
        if (idle.Token.IsCancellationRequested && state.End is null or RelayEnd.Cancelled)
        {
            // Nobody recorded a reason before cancelling: the caller's token, else the idle timer.
            end = cancellationToken.IsCancellationRequested ? RelayEnd.Cancelled : RelayEnd.IdleTimeout;
        }

        return new RelayResult(state.BytesFromClient, state.BytesToClient, end);
    }

    private static async Task PumpClientToUpstreamAsync(PipeReader input, Stream upstream, Socket? upstreamSocket, IdleWatch idle, RelayState state, CancellationTokenSource linked)
    {
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
                System.Buffers.ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    foreach (ReadOnlyMemory<byte> segment in buffer)
                    {
                        await upstream.WriteAsync(segment, linked.Token).ConfigureAwait(false);
                        state.CountFromClient(segment.Length);
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    state.SetEnd(RelayEnd.UpstreamFailed);
                    await linked.CancelAsync().ConfigureAwait(false);
                    return;
                }
                finally
                {
                    input.AdvanceTo(buffer.End);
                }

                if (!buffer.IsEmpty)
                {
                    idle.Touch();
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            // The client half-closed: pass the FIN on and let the upstream finish its answer.
            await PassClientFinAsync(upstreamSocket, state, linked).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            state.SetEnd(RelayEnd.Cancelled);
        }
        catch (Exception)
        {
            // A reset client connection surfaces as an exception from the transport: end both sides.
            state.SetEnd(RelayEnd.ClientClosed);
            await linked.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task PumpUpstreamToClientAsync(Stream upstream, PipeReader input, PipeWriter output, IdleWatch idle, RelayState state, CancellationTokenSource linked)
    {
        try
        {
            while (true)
            {
                Memory<byte> memory = output.GetMemory(UpstreamReadSize);
                int read;
                try
                {
                    read = await upstream.ReadAsync(memory, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    state.SetEnd(RelayEnd.UpstreamFailed);
                    break;
                }

                if (read == 0)
                {
                    state.SetEnd(RelayEnd.UpstreamClosed);
                    break;
                }

                output.Advance(read);
                state.CountToClient(read);
                idle.Touch();
                FlushResult flush = await output.FlushAsync(linked.Token).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    state.SetEnd(RelayEnd.ClientClosed);
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            state.SetEnd(RelayEnd.Cancelled);
        }
        catch (Exception)
        {
            state.SetEnd(RelayEnd.ClientClosed);
        }

        // Whatever ended this direction ends the tunnel: stop reading from the client too. CancelPendingRead wakes
        // that read without an exception (cancelling its token would throw one per tunnel). Only when the upstream
        // failed is the token cancelled as well, to stop a write that may still be waiting on the upstream.
        input.CancelPendingRead();
        if (state.End == RelayEnd.UpstreamFailed)
        {
            await linked.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Bytes the client sent right after its handshake are already in the handshake's pipe: they go first. False when
    /// the upstream failed meanwhile (the end is recorded).
    /// </summary>
    private static async ValueTask<bool> SendBufferedAsync(PipeReader input, Stream upstream, RelayState state, CancellationToken cancellationToken)
    {
        // A cancelled read hands over what is buffered without reading the socket, even bytes already examined
        // (TryRead alone would not return those).
        input.CancelPendingRead();
        if (!input.TryRead(out ReadResult result))
        {
            return true;
        }

        try
        {
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                await upstream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                state.CountFromClient(segment.Length);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            state.SetEnd(ex is OperationCanceledException ? RelayEnd.Cancelled : RelayEnd.UpstreamFailed);
            return false;
        }
        finally
        {
            input.AdvanceTo(result.Buffer.End);
        }
    }

    private static async Task PumpSocketToUpstreamAsync(Socket client, Stream upstream, Socket? upstreamSocket, IdleWatch idle, RelayState state, CancellationTokenSource linked)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(UpstreamReadSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await client.ReceiveAsync(buffer, SocketFlags.None, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // A reset client: end both sides.
                    state.SetEnd(RelayEnd.ClientClosed);
                    await linked.CancelAsync().ConfigureAwait(false);
                    return;
                }

                if (read == 0)
                {
                    break;
                }

                try
                {
                    await upstream.WriteAsync(buffer.AsMemory(0, read), linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    state.SetEnd(RelayEnd.UpstreamFailed);
                    await linked.CancelAsync().ConfigureAwait(false);
                    return;
                }

                state.CountFromClient(read);
                idle.Touch();
            }

            // The client half-closed: pass the FIN on. When the other direction shut the client's socket down to end
            // the tunnel (its end is set), the upstream's socket is about to be closed anyway.
            if (state.End is null)
            {
                await PassClientFinAsync(upstreamSocket, state, linked).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            state.SetEnd(RelayEnd.Cancelled);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Passes the client's FIN on to the upstream's socket, so the upstream may still finish its answer; without the
    /// upstream's socket it cannot be half-closed, so the tunnel ends as closed by the client.
    /// </summary>
    private static async Task PassClientFinAsync(Socket? upstreamSocket, RelayState state, CancellationTokenSource linked)
    {
        // An upstream gone already: the other direction notices.
        SocketShutdowns.Quietly(upstreamSocket, SocketShutdown.Send);

        if (upstreamSocket is null)
        {
            state.SetEnd(RelayEnd.ClientClosed);
            await linked.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task PumpUpstreamToSocketAsync(Stream upstream, SocketDuplexPipe client, IdleWatch idle, RelayState state, CancellationTokenSource linked)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(UpstreamReadSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await upstream.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    state.SetEnd(RelayEnd.UpstreamFailed);
                    break;
                }

                if (read == 0)
                {
                    state.SetEnd(RelayEnd.UpstreamClosed);
                    break;
                }

                try
                {
                    await client.SendAsync(buffer.AsMemory(0, read), linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    state.SetEnd(RelayEnd.ClientClosed);
                    break;
                }

                state.CountToClient(read);
                idle.Touch();
            }
        }
        catch (OperationCanceledException)
        {
            state.SetEnd(RelayEnd.Cancelled);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Whatever ended this direction ends the tunnel. Shutting the client socket down wakes the other direction's
        // pending receive with 0 bytes, without an exception; only an upstream failure also cancels the token, to stop
        // a write that may still be waiting on the upstream.
        client.ShutDown();

        if (state.End == RelayEnd.UpstreamFailed)
        {
            await linked.CancelAsync().ConfigureAwait(false);
        }
    }

    private sealed class RelayState(IRelayByteMeter? meter, CancellationTokenSource linked)
    {
        private int _endSet;

        public long BytesFromClient { get; private set; }

        public long BytesToClient { get; private set; }

        // The one place each direction's bytes are counted, for both relay paths.
        public void CountFromClient(int bytes)
        {
            BytesFromClient += bytes;
            Meter(bytes);
        }

        public void CountToClient(int bytes)
        {
            BytesToClient += bytes;
            Meter(bytes);
        }

        public RelayEnd? End { get; private set; }

        /// <summary>A meter that says stop ends the tunnel: both directions' pending reads and writes are cancelled.</summary>
        private void Meter(int bytes)
        {
            if (meter is not null && !meter.Add(bytes))
            {
                SetEnd(RelayEnd.QuotaExhausted);
                linked.Cancel();
            }
        }

        public void SetEnd(RelayEnd end)
        {
            if (Interlocked.Exchange(ref _endSet, 1) == 0)
            {
                End = end;
            }
        }
    }
}
