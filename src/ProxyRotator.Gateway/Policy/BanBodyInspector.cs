namespace ProxyRotator.Gateway.Policy;

/// <summary>
/// Looks for ban markers in the first bytes of a response body as they stream past (nothing is held back from the
/// client): the bytes are copied, ASCII-lower-cased, into a window of at most <c>policy.bans.inspectBytes</c>, and each
/// read searches only the new part (plus a pattern's length of overlap, so a marker split across reads is found).
/// Calls <c>onMatch</c> once, with the index of the first pattern found; stops looking after the window is full.
/// </summary>
internal sealed class BanBodyInspector(byte[][] patterns, int limit, Action<int> onMatch)
{
    private readonly int _longest = patterns.Max(p => p.Length);
    private byte[]? _window;
    private int _seen;
    private bool _done;

    public void Inspect(ReadOnlySpan<byte> chunk)
    {
        if (_done || chunk.IsEmpty)
        {
            return;
        }

        _window ??= new byte[limit];
        int take = Math.Min(chunk.Length, limit - _seen);
        int from = Math.Max(0, _seen - _longest + 1);
        Span<byte> target = _window.AsSpan(_seen, take);
        chunk[..take].CopyTo(target);
        for (int i = 0; i < target.Length; i++)
        {
            byte b = target[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                target[i] = (byte)(b | 0x20);
            }
        }

        _seen += take;
        ReadOnlySpan<byte> searched = _window.AsSpan(from, _seen - from);
        for (int p = 0; p < patterns.Length; p++)
        {
            if (searched.IndexOf(patterns[p]) >= 0)
            {
                _done = true;
                onMatch(p);
                return;
            }
        }

        if (_seen >= limit)
        {
            _done = true;
            _window = null;
        }
    }
}
