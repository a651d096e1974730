namespace ProxyRotator.Gateway.Protocols;

/// <summary>What <see cref="HttpRequestHeadParser"/> made of the bytes seen so far.</summary>
public enum HttpHeadParseStatus
{
    /// <summary>The head is not complete yet; nothing was consumed.</summary>
    Incomplete,
    Complete,
    /// <summary>The head is (or would become) larger than the limit: answer 431.</summary>
    TooLarge,
    /// <summary>The head breaks the grammar or the framing rules: answer 400.</summary>
    Malformed,
}
