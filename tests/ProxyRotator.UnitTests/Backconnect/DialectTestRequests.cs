using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.UnitTests.Backconnect;

/// <summary>Builds a request from one of OUR usernames, so tests go from canonical targeting to vendor syntax.</summary>
internal static class DialectTestRequests
{
    private static readonly SessionOptions _sessions = new() { DefaultTtl = TimeSpan.FromMinutes(10), MaxTtl = TimeSpan.FromDays(30) };

    public static BackconnectTranslation Translate(
        IBackconnectDialect dialect, string ourUsername, string baseUsername, string basePassword,
        string vendorSessionId = "abc123", UpstreamType type = UpstreamType.Residential)
    {
        Assert.True(ProxyUsernameParser.TryParse(ourUsername, _sessions, out TargetingParameters? targeting, out TargetingError error), error.ToString());
        var request = new BackconnectRequest
        {
            Targeting = targeting!,
            BaseCredentials = new BackconnectCredentials(baseUsername, basePassword),
            SessionIds = new FixedVendorSessionIds(vendorSessionId),
            UpstreamType = type,
        };
        return dialect.Translate(request);
    }

    public static BackconnectCredentials Written(BackconnectTranslation translation)
    {
        Assert.True(translation.Succeeded, translation.Refusal?.ToString());
        return translation.Credentials!.Value;
    }

    public static string Refused(BackconnectTranslation translation)
    {
        Assert.False(translation.Succeeded, "expected a refusal, got " + translation.Credentials);
        return translation.Refusal!.Value.Parameter;
    }
}
