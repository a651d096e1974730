using System.Buffers;
using System.Net.Sockets;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>
/// A socket with a pooled read buffer: heads and chunk lines are parsed in place, bodies are copied through
/// the same buffer without further allocation.
/// </summary>
internal sealed class BufferedSocket : IDisposable
{
    private const int InitialSize = 16 * 1024;
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <param name="bufferSize">Bodies are copied through this buffer: larger suits bulk responses.</param>
    public BufferedSocket(Socket socket, int bufferSize = InitialSize)
    {
        Socket = socket;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    public Socket Socket { get; }

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public ReadOnlyMemory<byte> BufferedMemory => _buffer.AsMemory(_start, _end - _start);

    public int BufferedCount => _end - _start;

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Reads more bytes into the buffer (growing it up to <paramref name="maxBuffered"/>); false at end of stream.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken, int maxBuffered = InitialSize)
    {
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                if (_buffer.Length >= maxBuffered)
                {
                    throw new InvalidOperationException("Buffer limit reached.");
                }

                byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBuffered, _buffer.Length * 2));
                Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
        }

        int read = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    /// <summary>Fills until at least <paramref name="count"/> bytes are buffered; false if the stream ends first.</summary>
    public async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (BufferedCount < count)
        {
            if (!await FillAsync(cancellationToken, Math.Max(InitialSize, count)).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Buffers a complete head ending in an empty line. Returns its length, <see cref="HeadResult.EndOfStream"/>
    /// if the peer closed before sending anything, <see cref="HeadResult.Truncated"/> if it closed mid-head,
    /// <see cref="HeadResult.TooLarge"/> past <paramref name="maxHeadBytes"/>.
    /// </summary>
    public async ValueTask<int> ReadHeadAsync(int maxHeadBytes, CancellationToken cancellationToken)
    {
        int searched = 0;
        while (true)
        {
            int found = FindHeadEnd(searched);
            if (found >= 0)
            {
                return found;
            }

            int buffered = BufferedCount;
            searched = buffered;
            if (buffered >= maxHeadBytes)
            {
                return HeadResult.TooLarge;
            }

            bool more;
            try
            {
                more = await FillAsync(cancellationToken, maxHeadBytes + 4).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                return HeadResult.TooLarge;
            }

            if (!more)
            {
                return buffered == 0 ? HeadResult.EndOfStream : HeadResult.Truncated;
            }
        }
    }

    /// <summary>The length of the head up to and including its empty line, or -1; skips what was searched already.</summary>
    private int FindHeadEnd(int searched)
    {
        int from = Math.Max(0, searched - 3);
        int index = Buffered[from..].IndexOf("\r\n\r\n"u8);
        return index < 0 ? -1 : from + index + 4;
    }

    /// <summary>Buffers one CRLF-terminated line and returns its length including the CRLF, or -1 at end of stream.</summary>
    public async ValueTask<int> ReadLineAsync(int maxLineBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            int index = Buffered.IndexOf("\r\n"u8);
            if (index >= 0)
            {
                return index + 2;
            }

            if (BufferedCount >= maxLineBytes || !await FillAsync(cancellationToken, maxLineBytes + 2).ConfigureAwait(false))
            {
                return -1;
            }
        }
    }

    /// <summary>Sends the first <paramref name="count"/> buffered bytes to <paramref name="destination"/> and consumes them.</summary>
    public async ValueTask SendBufferedAsync(Socket destination, int count, CancellationToken cancellationToken)
    {
        await SocketIo.SendAllAsync(destination, _buffer.AsMemory(_start, count), cancellationToken).ConfigureAwait(false);
        Consume(count);
    }

    /// <summary>Copies exactly <paramref name="count"/> bytes to <paramref name="destination"/>; throws if the stream ends early.</summary>
    public async ValueTask CopyToAsync(Socket destination, long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (BufferedCount == 0)
            {
                _start = _end = 0;
                int read = await Socket.ReceiveAsync(_buffer.AsMemory(0, (int)Math.Min(_buffer.Length, count)), SocketFlags.None, cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("The connection closed before the whole body arrived.");
                }

                _end = read;
            }

            int take = (int)Math.Min(BufferedCount, count);
            await SendBufferedAsync(destination, take, cancellationToken).ConfigureAwait(false);
            count -= take;
        }
    }

    /// <summary>Copies everything until the peer closes.</summary>
    public async ValueTask CopyToEndAsync(Socket destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (BufferedCount > 0)
            {
                await SendBufferedAsync(destination, BufferedCount, cancellationToken).ConfigureAwait(false);
            }

            _start = _end = 0;
            int read = await Socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            _end = read;
        }
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _start = _end = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Socket.Dispose();
    }
}
