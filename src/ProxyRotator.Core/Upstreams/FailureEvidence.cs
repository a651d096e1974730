namespace ProxyRotator.Core.Upstreams;

/// <summary>Whose fault a failed attempt was, as far as the evidence of that one attempt tells (issue 10 §1).</summary>
public enum FailureEvidence
{
    /// <summary>The upstream itself failed (no connect, no answer, garbage, our credentials refused): charge it.</summary>
    Upstream = 0,
    /// <summary>The upstream reached out and says the target failed (SOCKS5 0x02–0x06, CONNECT 502/504, a vendor error header naming the target).</summary>
    Target,
    /// <summary>Could be either (SOCKS5 general failure, an unexplained 502/503/504): a second upstream decides.</summary>
    Unknown,
}
