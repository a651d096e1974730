using System.Buffers;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// Bytes read from one side of a relayed exchange (the client or an upstream) and not yet handled: a pooled buffer
/// over the side's stream. Heads are parsed in place; bodies pass through it in chunks as large as the buffer.
/// </summary>
internal sealed class RelayReadBuffer : IDisposable
{
    private readonly int _size;
    private byte[] _buffer = [];
    private int _start;
    private int _end;

    /// <summary>The buffer is rented on the first read and given back by <see cref="Release"/> while nothing is buffered.</summary>
    public RelayReadBuffer(Stream stream, int size)
    {
        Stream = stream;
        _size = size;
    }

    public Stream Stream { get; }

    /// <summary>Bytes buffered and not consumed yet.</summary>
    public int Count => _end - _start;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(_start, _end - _start);

    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>
    /// Reads more bytes after those buffered. Returns the count read: 0 at the end of the stream, -1 when the buffer is
    /// full of unconsumed bytes (a line or head longer than the buffer).
    /// </summary>
    public async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        Rent();
        if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                return -1;
            }

            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        int read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read;
    }

    /// <summary>Buffers bytes read from the stream before this buffer took it over (at most the buffer's size).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        Rent();
        if (bytes.Length > _buffer.Length - _end)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), "more than the buffer holds");
        }

        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
    }

    /// <summary>Rents the buffer on first use (an idle pooled connection holds none, see <see cref="Release"/>).</summary>
    private void Rent()
    {
        if (_buffer.Length == 0)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_size);
        }
    }

    /// <summary>A copy of the unconsumed bytes (handed on with the connection when the relay does not serve it).</summary>
    public byte[] CopyBuffered() => Span.ToArray();

    /// <summary>Gives the buffer back to the pool while nothing is buffered (an idle pooled connection holds no buffer).</summary>
    public void Release()
    {
        if (Count == 0)
        {
            Dispose();
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
    }
}
