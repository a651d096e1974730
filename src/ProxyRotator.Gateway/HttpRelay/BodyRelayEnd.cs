namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>How relaying one message body ended.</summary>
internal enum BodyRelayEnd
{
    Complete,
    /// <summary>The sending side closed before the body's end.</summary>
    SourceEnded,
    /// <summary>Reading the sending side failed (reset, or its framing was malformed).</summary>
    SourceFailed,
    /// <summary>Writing to the receiving side failed.</summary>
    DestinationFailed,
    /// <summary>No bytes for a whole idle timeout.</summary>
    TimedOut,
}
