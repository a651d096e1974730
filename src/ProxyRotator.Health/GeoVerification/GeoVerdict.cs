namespace ProxyRotator.Health.GeoVerification;

/// <summary>The verified facts about an upstream after one successful probe.</summary>
/// <param name="VerifiedCountry">Null when unknown, or when a rotating upstream's recent exits disagree.</param>
/// <param name="GeoMismatch">A note when the verified country disagrees with the declared one, else null.</param>
/// <param name="ConnectionTypeMismatch">A note when the connection type disagrees with the declared type, else null.</param>
/// <param name="ExitChanged">The exit address differs from the previous probe's.</param>
public sealed record GeoVerdict(
    string? VerifiedCountry,
    string? ConnectionType,
    string? GeoMismatch,
    string? ConnectionTypeMismatch,
    bool IsRotatingExit,
    bool ExitChanged);
