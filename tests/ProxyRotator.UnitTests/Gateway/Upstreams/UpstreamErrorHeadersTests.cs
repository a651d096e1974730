using ProxyRotator.Core.Upstreams;

namespace ProxyRotator.UnitTests.Gateway.Upstreams;

public sealed class UpstreamErrorHeadersTests
{
    [Theory]
    [InlineData("Proxy-Status", "squid; error=dns_error", FailureEvidence.Target, "dns_error")]
    [InlineData("Proxy-Status", "envoy; error=connection_refused; details=\"x\"", FailureEvidence.Target, "connection_refused")]
    [InlineData("proxy-status", "haproxy; error=proxy_internal_error", FailureEvidence.Upstream, "proxy_internal_error")]
    [InlineData("X-Squid-Error", "ERR_DNS_FAIL 0", FailureEvidence.Target, "ERR_DNS_FAIL")]
    [InlineData("X-Squid-Error", "ERR_ACCESS_DENIED 0", FailureEvidence.Upstream, "ERR_ACCESS_DENIED")]
    [InlineData("X-Luminati-Error", "Could not resolve host example.invalid", FailureEvidence.Target, "Could not resolve host example.invalid")]
    [InlineData("x-brd-err-code", "auth_failed", FailureEvidence.Upstream, "auth_failed")]
    public void Classify_KnownHeader_GivesEvidenceAndReason(string name, string value, FailureEvidence expected, string reason)
    {
        Assert.Equal(expected, UpstreamErrorHeaders.Classify(name, value, out string? said));
        Assert.Equal(reason, said);
    }

    [Theory]
    [InlineData("Proxy-Status", "squid")]
    [InlineData("Server", "ERR_DNS_FAIL")]
    [InlineData("X-Squid-Error", "")]
    public void Classify_NothingKnown_NoEvidence(string name, string value)
    {
        Assert.Null(UpstreamErrorHeaders.Classify(name, value, out _));
    }

    [Fact]
    public void Classify_ControlCharactersInReason_AreReplaced()
    {
        UpstreamErrorHeaders.Classify("X-Luminati-Error", "dns\u0001\u007ffail", out string? reason);

        Assert.Equal("dns??fail", reason);
    }
}
