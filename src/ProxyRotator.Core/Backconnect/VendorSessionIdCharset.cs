namespace ProxyRotator.Core.Backconnect;

/// <summary>The characters a vendor accepts in a session id ('-' never: it separates parameters).</summary>
public enum VendorSessionIdCharset
{
    /// <summary><c>[a-z0-9]</c></summary>
    LowerAlphanumeric = 0,

    /// <summary><c>[A-Za-z0-9]</c></summary>
    Alphanumeric = 1,

    /// <summary><c>[0-9a-f]</c></summary>
    Hex = 2,

    /// <summary><c>[0-9]</c></summary>
    Digits = 3,
}
