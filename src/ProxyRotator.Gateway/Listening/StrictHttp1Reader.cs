using System.Buffers;
using System.IO.Pipelines;
using ProxyRotator.Gateway.Http;
using ProxyRotator.Gateway.Protocols;

namespace ProxyRotator.Gateway.Listening;

/// <summary>
/// Sits between a gateway connection's transport and Kestrel's HTTP/1.1 parser and shows Kestrel only request heads
/// that <see cref="HttpRequestHeadParser"/> accepted, each one on a kept-alive connection too. It follows the message
/// framing (Content-Length bodies, chunked bodies) to find where the next head starts. A head it refuses is never
/// shown: once Kestrel has consumed everything before it (so no answer is in flight), the reader writes
/// <c>400 bad-request</c> (or <c>431 header-too-large</c>) with <c>X-ProxyRotator-Error</c> itself and reports the
/// end of the input, which ends the connection.
/// <para>
/// Positions are counted in bytes from the start of the connection: <c>_consumed</c> (what Kestrel let go of),
/// <c>_exposed</c> (what Kestrel may see) and <c>_scanned</c> (how far the framing has been followed).
/// </para>
/// </summary>
internal sealed class StrictHttp1Reader(PipeReader inner, PipeWriter output, int maxHeadBytes, Action<string> onRefused) : PipeReader
{
    private enum Framing
    {
        Head,
        Body,
        ChunkSize,
        ChunkExtension,
        ChunkSizeLf,
        ChunkData,
        ChunkDataCr,
        ChunkDataLf,
        TrailerLineStart,
        TrailerLine,
        TrailerLf,
        TrailerEndLf,
        /// <summary>Malformed chunk framing: Kestrel's own body parser refuses it and ends the connection.</summary>
        Passthrough,
    }

    private Framing _framing = Framing.Head;
    private long _consumed;
    private long _exposed;
    private long _scanned;
    private long _examined;
    private long _remaining;
    private int _chunkSizeDigits;
    private (int Status, string Code, string Message)? _refusal;
    private bool _ended;
    private ReadOnlySequence<byte> _lastBuffer;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_ended)
            {
                return new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);
            }

            ReadResult result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            Scan(buffer);

            if (_refusal is { } refusal && _consumed == _exposed)
            {
                // Everything before the refused head was handled: Kestrel waits for the next head and writes nothing.
                inner.AdvanceTo(buffer.End);
                _ended = true;
                onRefused(refusal.Message);
                await RawHttpAnswers.WriteErrorAsync(output, refusal.Status, refusal.Code, refusal.Message, cancellationToken).ConfigureAwait(false);
                return new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);
            }

            long visible = _exposed - _consumed;
            bool everythingVisible = visible == buffer.Length;
            if (_exposed > _examined || result.IsCanceled || (result.IsCompleted && (everythingVisible || _refusal is null)))
            {
                _lastBuffer = buffer.Slice(0, visible);
                return new ReadResult(_lastBuffer, result.IsCanceled, result.IsCompleted && (everythingVisible || _refusal is null));
            }

            // Nothing new for Kestrel yet (a head still arriving): wait for more bytes.
            inner.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        result = default;
        if (_ended)
        {
            result = new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);
            return true;
        }

        if (!inner.TryRead(out ReadResult innerResult))
        {
            return false;
        }

        ReadOnlySequence<byte> buffer = innerResult.Buffer;
        Scan(buffer);
        long visible = _exposed - _consumed;
        bool completed = innerResult.IsCompleted && (visible == buffer.Length || _refusal is null);
        if (_refusal is null || _consumed < _exposed)
        {
            if (_exposed > _examined || innerResult.IsCanceled || completed)
            {
                _lastBuffer = buffer.Slice(0, visible);
                result = new ReadResult(_lastBuffer, innerResult.IsCanceled, completed);
                return true;
            }
        }

        // Nothing new to show, or a refusal that ReadAsync answers: release the read without examining anything.
        inner.AdvanceTo(buffer.Start);
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        long consumedLength = _lastBuffer.Slice(0, consumed).Length;
        long examinedLength = _lastBuffer.Slice(0, examined).Length;
        _examined = Math.Max(_examined, _consumed + examinedLength);
        _consumed += consumedLength;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    /// <summary>Follows the framing over the bytes not scanned yet, moving <c>_exposed</c> past what is valid.</summary>
    private void Scan(in ReadOnlySequence<byte> buffer)
    {
        long end = _consumed + buffer.Length;
        while (_scanned < end && _refusal is null)
        {
            ReadOnlySequence<byte> rest = buffer.Slice(_scanned - _consumed);
            switch (_framing)
            {
                case Framing.Head:
                    if (!ScanHead(rest))
                    {
                        return;
                    }

                    break;
                case Framing.Body:
                    long take = Math.Min(_remaining, rest.Length);
                    _remaining -= take;
                    _scanned += take;
                    if (_remaining == 0)
                    {
                        _framing = Framing.Head;
                    }

                    break;
                case Framing.ChunkData:
                    long chunk = Math.Min(_remaining, rest.Length);
                    _remaining -= chunk;
                    _scanned += chunk;
                    if (_remaining == 0)
                    {
                        _framing = Framing.ChunkDataCr;
                    }

                    break;
                case Framing.Passthrough:
                    _scanned = end;
                    break;
                default:
                    ScanChunkFraming(rest);
                    break;
            }

            _exposed = _scanned;
        }
    }

    /// <returns>False when the head is not complete yet.</returns>
    private bool ScanHead(in ReadOnlySequence<byte> rest)
    {
        // RFC 9112 §2.2: empty lines before a request line are ignored (some clients send CRLF after a body).
        var peek = new SequenceReader<byte>(rest);
        if (peek.TryPeek(out byte first) && first == '\r')
        {
            if (!peek.TryPeek(1, out byte second))
            {
                return false;
            }

            if (second == '\n')
            {
                _scanned += 2;
                return true;
            }
        }

        HttpHeadParseStatus status = HttpRequestHeadParser.TryParse(rest, maxHeadBytes, out HttpRequestHead? head, out long length, out string? error);
        switch (status)
        {
            case HttpHeadParseStatus.Complete:
                _scanned += length;
                StartBody(head!);
                return true;
            case HttpHeadParseStatus.Incomplete:
                return false;
            case HttpHeadParseStatus.TooLarge:
                _refusal = (431, GatewayErrorCode.HeaderTooLarge, error ?? "request head too large");
                return false;
            default:
                _refusal = (400, GatewayErrorCode.BadRequest, error ?? "malformed request head");
                return false;
        }
    }

    private void StartBody(HttpRequestHead head)
    {
        if (head.Get("Transfer-Encoding") is not null)
        {
            // The parser accepted it, so its final coding is chunked.
            _framing = Framing.ChunkSize;
            _chunkSizeDigits = 0;
            _remaining = 0;
        }
        else if (head.Get("Content-Length") is { } value && long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) is > 0 and var length)
        {
            _framing = Framing.Body;
            _remaining = length;
        }
    }

    /// <summary>Chunk sizes, extensions, CRLFs and trailers, one byte at a time (they are a few bytes per chunk).</summary>
    private void ScanChunkFraming(in ReadOnlySequence<byte> rest)
    {
        var reader = new SequenceReader<byte>(rest);
        while (reader.TryRead(out byte b))
        {
            _scanned++;
            switch (_framing)
            {
                case Framing.ChunkSize when IsHexDigit(b) && _chunkSizeDigits < 15:
                    _remaining = (_remaining << 4) | (long)HexValue(b);
                    _chunkSizeDigits++;
                    break;
                case Framing.ChunkSize when _chunkSizeDigits > 0 && b == ';':
                case Framing.ChunkSize when _chunkSizeDigits > 0 && b is (byte)' ' or (byte)'\t':
                    _framing = Framing.ChunkExtension;
                    break;
                case Framing.ChunkSize when _chunkSizeDigits > 0 && b == '\r':
                case Framing.ChunkExtension when b == '\r':
                    _framing = Framing.ChunkSizeLf;
                    break;
                case Framing.ChunkExtension when b != '\n':
                    break;
                case Framing.ChunkSizeLf when b == '\n':
                    _framing = _remaining == 0 ? Framing.TrailerLineStart : Framing.ChunkData;
                    _chunkSizeDigits = 0;
                    return;
                case Framing.ChunkDataCr when b == '\r':
                    _framing = Framing.ChunkDataLf;
                    break;
                case Framing.ChunkDataLf when b == '\n':
                    _framing = Framing.ChunkSize;
                    _remaining = 0;
                    break;
                case Framing.TrailerLineStart when b == '\r':
                    _framing = Framing.TrailerEndLf;
                    break;
                case Framing.TrailerLineStart when b != '\n':
                case Framing.TrailerLine when b != '\r' && b != '\n':
                    _framing = Framing.TrailerLine;
                    break;
                case Framing.TrailerLine when b == '\r':
                    _framing = Framing.TrailerLf;
                    break;
                case Framing.TrailerLf when b == '\n':
                    _framing = Framing.TrailerLineStart;
                    break;
                case Framing.TrailerEndLf when b == '\n':
                    _framing = Framing.Head;
                    return;
                default:
                    _framing = Framing.Passthrough;
                    return;
            }
        }
    }

    private static bool IsHexDigit(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
