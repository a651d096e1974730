namespace ProxyRotator.Core.Upstreams;

/// <summary>Whose fault a failed attempt was, as far as the evidence of that one attempt tells (issue 10 §1).</summary>
public enum FailureEvidence
{
    /// <summary>The upstream itself failed (no connect, garbage, our credentials refused in a CONNECT or SOCKS5 handshake): charge it.</summary>
    Upstream = 0,
    /// <summary>The upstream reached out and says the target failed (SOCKS5 0x02–0x06, CONNECT 502/504, a vendor error header naming the target).</summary>
    Target,
    /// <summary>Could be either (SOCKS5 general failure, an unexplained 502/503/504): a second upstream decides.</summary>
    Unknown,
    /// <summary>
    /// Looks like the upstream's failure, but the target could be behind it, and nothing of the answer has reached the
    /// client yet: an answer to a forwarded request that says the upstream failed (a <c>Proxy-Authenticate</c>
    /// challenge, an error header naming the proxy), which the target could have written itself; no answer in time,
    /// which a target that never answers causes too. A hostile or merely slow target would otherwise get every upstream
    /// that carries a request to it quarantined. Acted on as the upstream's failure (the request fails over, a vendor
    /// session is renewed or lost), charged only once another upstream serves the same target in that request.
    /// </summary>
    UpstreamUnconfirmed,
}
