namespace ProxyRotator.Core.Backconnect;

/// <summary>The names of the built-in dialects, as written in the configuration's <c>dialect</c> field.</summary>
public static class BackconnectDialectNames
{
    public const string BrightData = "brightdata";
    public const string Oxylabs = "oxylabs";
    public const string Decodo = "decodo";
    public const string IpRoyal = "iproyal";
    public const string Soax = "soax";

    /// <summary>Not in the registry: each upstream compiles its own from its <c>template</c> options.</summary>
    public const string Template = "template";
}
