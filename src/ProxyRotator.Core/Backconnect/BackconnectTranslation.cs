using System.Diagnostics.CodeAnalysis;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Core.Backconnect;

/// <summary>The vendor credentials for one request, or why the dialect cannot express the targeting.</summary>
public readonly record struct BackconnectTranslation
{
    private BackconnectTranslation(BackconnectCredentials? credentials, string? vendorSessionId, TargetingError? refusal)
    {
        Credentials = credentials;
        VendorSessionId = vendorSessionId;
        Refusal = refusal;
    }

    public BackconnectCredentials? Credentials { get; }

    /// <summary>The vendor session id written into the credentials (null without a sticky session).</summary>
    public string? VendorSessionId { get; }

    /// <summary>The parameter the dialect cannot express, with a message safe to show the client.</summary>
    public TargetingError? Refusal { get; }

    [MemberNotNullWhen(true, nameof(Credentials))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Succeeded => Credentials is not null;

    public static BackconnectTranslation Success(string username, string password, string? vendorSessionId) =>
        new(new BackconnectCredentials(username, password), vendorSessionId, null);

    public static BackconnectTranslation Refuse(string parameter, string message) =>
        new(null, null, new TargetingError(parameter, message));
}
