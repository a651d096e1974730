namespace ProxyRotator.Gateway.Http;

/// <summary>Bytes a <see cref="ReadCountingStream"/> has read, kept apart from the stream so its owner may dispose it.</summary>
internal sealed class ByteCounter
{
    public long Count { get; private set; }

    public int Add(int read)
    {
        Count += read;
        return read;
    }
}
