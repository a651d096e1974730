using System.IO.Pipelines;
using System.Net.Sockets;

namespace ProxyRotator.Gateway.Relay;

/// <summary>
/// Copies bytes both ways between a client connection (Kestrel's transport pipe) and an upstream stream until
/// one side ends. A client half-close is passed on to the upstream as a FIN; the end of the upstream or any
/// failure ends both directions at once, so neither side is left holding a socket. An optional
/// <see cref="IRelayByteMeter"/> sees every relayed chunk and can end the tunnel (a spent byte quota).
/// </summary>
public sealed class TunnelRelay(TimeProvider timeProvider)
{
    private const int UpstreamReadSize = 16 * 1024;

    public async Task<RelayResult> RunAsync(IDuplexPipe client, Stream upstream, Socket? upstreamSocket, TimeSpan idleTimeout, CancellationToken cancellationToken, IRelayByteMeter? meter = null)
    {
        using var idle = new IdleWatch(idleTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var state = new RelayState { Meter = meter };

        Task toUpstream = PumpClientToUpstreamAsync(client.Input, upstream, upstreamSocket, idle, state, linked);
        Task toClient = PumpUpstreamToClientAsync(upstream, client.Input, client.Output, idle, state, linked);
        await Task.WhenAll(toUpstream, toClient).ConfigureAwait(false);

        RelayEnd end = state.End ?? RelayEnd.UpstreamClosed;
        if (idle.Token.IsCancellationRequested && state.End is null or RelayEnd.Cancelled)
        {
            end = RelayEnd.IdleTimeout;
        }
        else if (cancellationToken.IsCancellationRequested && state.End is null)
        {
            end = RelayEnd.Cancelled;
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
                        state.BytesFromClient += segment.Length;
                        if (state.Meter is { } meter && !meter.Add(segment.Length))
                        {
                            state.SetEnd(RelayEnd.QuotaExhausted);
                            await linked.CancelAsync().ConfigureAwait(false);
                            return;
                        }
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
            try
            {
                upstreamSocket?.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The upstream is gone already; the other direction notices.
            }

            if (upstreamSocket is null)
            {
                state.SetEnd(RelayEnd.ClientClosed);
                await linked.CancelAsync().ConfigureAwait(false);
            }
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
                state.BytesToClient += read;
                idle.Touch();
                FlushResult flush = await output.FlushAsync(linked.Token).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    state.SetEnd(RelayEnd.ClientClosed);
                    break;
                }

                if (state.Meter is { } meter && !meter.Add(read))
                {
                    state.SetEnd(RelayEnd.QuotaExhausted);
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
        // failed (or a quota ended the tunnel) is the token cancelled as well, to stop a write that may still be waiting on the upstream.
        input.CancelPendingRead();
        if (state.End is RelayEnd.UpstreamFailed or RelayEnd.QuotaExhausted)
        {
            await linked.CancelAsync().ConfigureAwait(false);
        }
    }

    private sealed class RelayState
    {
        private int _endSet;

        public long BytesFromClient;
        public long BytesToClient;

        public IRelayByteMeter? Meter;

        public RelayEnd? End { get; private set; }

        public void SetEnd(RelayEnd end)
        {
            if (Interlocked.Exchange(ref _endSet, 1) == 0)
            {
                End = end;
            }
        }
    }
}
