using ProxyRotator.Core.Outcomes;
using ProxyRotator.Core.Upstreams;
using ProxyRotator.Gateway.Pipeline;

namespace ProxyRotator.UnitTests.Gateway.Pipeline;

/// <summary>Blame by evidence for a 407 to an absolute-form request: the upstream pays only for an answer it wrote itself.</summary>
public sealed class ResponseVerdictTests
{
    [Fact]
    public void ForProxyAuthenticationRequired_ChallengeNotForwarded_ClaimsTheUpstreamRefusedOurCredentials()
    {
        ResponseVerdict verdict = ResponseVerdict.ForProxyAuthenticationRequired(challenged: true, forwarded: false, upstreamErrorHeader: false);

        Assert.True(verdict.IsHeldBack);
        Assert.Equal(UpstreamOutcomeKind.UpstreamAuthRejected, verdict.Kind);
        // Only claimed: an origin can answer 407 with a challenge and no Via just as well.
        Assert.Equal(FailureEvidence.UpstreamUnconfirmed, verdict.Evidence);
    }

    [Fact]
    public void ForProxyAuthenticationRequired_ChallengeOnAForwardedAnswer_IsTheOriginsAndPassesThrough()
    {
        ResponseVerdict verdict = ResponseVerdict.ForProxyAuthenticationRequired(challenged: true, forwarded: true, upstreamErrorHeader: false);

        Assert.False(verdict.IsHeldBack);
    }

    [Fact]
    public void ForProxyAuthenticationRequired_ForwardedButTheUpstreamsErrorHeader_IsTheUpstreams()
    {
        // Squid marks its own error pages with Via too, but names them in X-Squid-Error (ERR_CACHE_ACCESS_DENIED).
        ResponseVerdict verdict = ResponseVerdict.ForProxyAuthenticationRequired(challenged: true, forwarded: true, upstreamErrorHeader: true);

        Assert.True(verdict.IsHeldBack);
        Assert.Equal(UpstreamOutcomeKind.UpstreamAuthRejected, verdict.Kind);
        Assert.Equal(FailureEvidence.UpstreamUnconfirmed, verdict.Evidence);
    }

    [Fact]
    public void ForProxyAuthenticationRequired_NoChallenge_PassesThrough()
    {
        Assert.False(ResponseVerdict.ForProxyAuthenticationRequired(challenged: false, forwarded: false, upstreamErrorHeader: false).IsHeldBack);
    }

    [Theory]
    [InlineData("squid; received-status=407", true)]
    [InlineData("ExampleProxy; received-status=200; next-hop=origin.example", true)]
    [InlineData("squid; error=http_request_denied", false)]
    [InlineData(null, false)]
    public void SaysForwarded_ProxyStatus_TrueOnlyWithReceivedStatus(string? value, bool expected)
    {
        Assert.Equal(expected, UpstreamErrorHeaders.SaysForwarded(value));
    }
}
