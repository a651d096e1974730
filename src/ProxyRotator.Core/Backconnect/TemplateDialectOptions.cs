namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// A vendor syntax written as templates. Placeholders: <c>{user}</c> and <c>{password}</c> (the upstream's own),
/// <c>{country}</c>, <c>{city}</c>, <c>{state}</c>, <c>{asn}</c>, <c>{session}</c>, <c>{ttl}</c> and <c>{strict}</c>
/// (empty, present only for a strict session). Text in <c>[...]</c> is written only when every placeholder in it
/// has a value, e.g. <c>{user}[-country-{country}][-session-{session}]</c>.
/// </summary>
public sealed class TemplateDialectOptions
{
    public string Username { get; set; } = "{user}";
    public string Password { get; set; } = "{password}";
    public TemplateCase CountryCase { get; set; } = TemplateCase.Lower;

    /// <summary>Letter case of city and state values.</summary>
    public TemplateCase ValueCase { get; set; } = TemplateCase.Lower;

    /// <summary>What stands for a space in multi-word city and state values: <c>_</c> (default), empty, <c>.</c> or <c>+</c>.</summary>
    public string Separator { get; set; } = "_";

    public TemplateTtlUnit TtlUnit { get; set; } = TemplateTtlUnit.Minutes;

    /// <summary>The longest TTL the vendor takes; longer asks are refused. Null: no limit beyond ours.</summary>
    public TimeSpan? MaxTtl { get; set; }

    public int SessionLength { get; set; } = 12;
    public VendorSessionIdCharset SessionCharset { get; set; } = VendorSessionIdCharset.LowerAlphanumeric;
}
