using ProxyRotator.Gateway.Policy;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// Follows a message body's framing through the bytes that pass, so the relay forwards them unchanged (a chunked body
/// stays chunked, trailers included) in as few writes as possible and knows where the body ends. Counts the payload
/// (chunk data, without the framing) and shows it to a ban inspector when one watches. One instance per side of a
/// relayed connection, <see cref="Reset"/> for each message.
/// </summary>
internal sealed class BodyScanner
{
    /// <summary>Longest chunk-size or trailer line accepted.</summary>
    private const int MaxLineBytes = 4096;

    private BodyFraming _framing;
    private ChunkState _state;
    private long _remaining;

    private enum ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailer,
    }

    public BodyFraming Framing => _framing;

    public bool IsComplete { get; private set; }

    /// <summary>Payload bytes seen so far.</summary>
    public long PayloadBytes { get; private set; }

    /// <summary>A <see cref="Scan"/> found the chunked framing malformed (the sender's fault, not a transport failure).</summary>
    public bool IsMalformed { get; private set; }

    public void Reset(BodyFraming framing, long contentLength = 0)
    {
        _framing = framing;
        _state = ChunkState.Size;
        _remaining = contentLength;
        PayloadBytes = 0;
        IsMalformed = false;
        IsComplete = framing == BodyFraming.None || (framing == BodyFraming.ContentLength && contentLength == 0);
    }

    /// <summary>A body that ends with the stream ended there.</summary>
    public void EndOfStream()
    {
        if (_framing == BodyFraming.UntilClose)
        {
            IsComplete = true;
        }
    }

    /// <summary>
    /// How many of <paramref name="data"/>'s leading bytes belong to the body (all of them up to its end, or up to an
    /// incomplete chunk line that needs more bytes); -1 when the chunked framing is malformed.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> data, BanBodyInspector? inspector)
    {
        int scanned = ScanFraming(data, inspector);
        IsMalformed |= scanned < 0;
        return scanned;
    }

    private int ScanFraming(ReadOnlySpan<byte> data, BanBodyInspector? inspector)
    {
        if (IsComplete)
        {
            return 0;
        }

        switch (_framing)
        {
            case BodyFraming.ContentLength:
                int take = (int)Math.Min(_remaining, data.Length);
                Payload(data[..take], inspector);
                _remaining -= take;
                IsComplete = _remaining == 0;
                return take;
            case BodyFraming.UntilClose:
                Payload(data, inspector);
                return data.Length;
            default:
                return ScanChunked(data, inspector);
        }
    }

    private int ScanChunked(ReadOnlySpan<byte> data, BanBodyInspector? inspector)
    {
        int position = 0;
        while (position < data.Length && !IsComplete)
        {
            ReadOnlySpan<byte> rest = data[position..];
            switch (_state)
            {
                case ChunkState.Data:
                    int take = (int)Math.Min(_remaining, rest.Length);
                    Payload(rest[..take], inspector);
                    position += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = ChunkState.DataEnd;
                    }

                    break;
                case ChunkState.DataEnd:
                    if (rest.Length < 2)
                    {
                        return position;
                    }

                    if (rest[0] != '\r' || rest[1] != '\n')
                    {
                        return -1;
                    }

                    position += 2;
                    _state = ChunkState.Size;
                    break;
                default:
                    int lf = rest.IndexOf((byte)'\n');
                    if (lf < 0)
                    {
                        return rest.Length > MaxLineBytes ? -1 : position;
                    }

                    if (lf == 0 || rest[lf - 1] != '\r' || lf > MaxLineBytes)
                    {
                        return -1;
                    }

                    ReadOnlySpan<byte> line = rest[..(lf - 1)];
                    position += lf + 1;
                    if (_state == ChunkState.Trailer)
                    {
                        IsComplete = line.IsEmpty;
                        break;
                    }

                    if (!TryParseChunkSize(line, out long size))
                    {
                        return -1;
                    }

                    _remaining = size;
                    _state = size == 0 ? ChunkState.Trailer : ChunkState.Data;
                    break;
            }
        }

        return position;
    }

    private void Payload(ReadOnlySpan<byte> payload, BanBodyInspector? inspector)
    {
        PayloadBytes += payload.Length;
        inspector?.Inspect(payload);
    }

    // chunk-size [ chunk-ext ]: hex digits, then nothing, whitespace or ';' extensions (passed on unread).
    private static bool TryParseChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        int digits = 0;
        foreach (byte b in line)
        {
            int value = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                if (b is (byte)';' or (byte)' ' or (byte)'\t')
                {
                    break;
                }

                return false;
            }

            if (++digits > 15)
            {
                return false;
            }

            size = (size << 4) | (uint)value;
        }

        return digits > 0;
    }
}
