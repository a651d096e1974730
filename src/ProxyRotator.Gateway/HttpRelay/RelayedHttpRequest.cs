using ProxyRotator.Gateway.Protocols;

namespace ProxyRotator.Gateway.HttpRelay;

/// <summary>
/// One absolute-form <c>http://</c> request as the HTTP relay read it: the parsed head, the parts of its target the
/// upstream request is written from, its body's framing, and what happened on the client's side so far.
/// </summary>
internal sealed class RelayedHttpRequest(HttpRelayConnection connection, HttpRequestHead head, string authority, string originForm, BodyFraming bodyFraming, long contentLength)
{
    public HttpRelayConnection Connection { get; } = connection;

    public HttpRequestHead Head { get; } = head;

    /// <summary>The target's <c>host[:port]</c> as the client wrote it: the origin's Host header.</summary>
    public string Authority { get; } = authority;

    /// <summary>Path and query, for a request written to the origin itself (through a tunnel).</summary>
    public string OriginForm { get; } = originForm;

    public BodyFraming BodyFraming { get; } = bodyFraming;

    public long ContentLength { get; } = contentLength;

    public bool IsHead { get; } = head.Method == "HEAD";

    /// <summary>What the client sent in <c>Proxy-Authorization</c>. A secret: never log it.</summary>
    public string ProxyAuthorization => Head.Get("Proxy-Authorization") ?? string.Empty;

    /// <summary>The client asked to close the connection after this request.</summary>
    public bool ClientCloses { get; init; }

    /// <summary>A response head went out to the client.</summary>
    public bool ResponseStarted { get; set; }

    /// <summary>Request body bytes taken off the client's buffer for good (an attempt after that cannot resend them).</summary>
    public long BodyConsumed { get; set; }

    /// <summary>The request body (if any) was read to its end and sent.</summary>
    public bool BodyDone { get; set; }

    /// <summary>The client's chunked request body was malformed: answered 400 <c>bad-request</c> when no response started.</summary>
    public bool MalformedBody { get; set; }

    /// <summary>The client connection cannot carry another request (truncated or close-delimited answer, unread body).</summary>
    public bool CloseConnection { get; set; }
}
