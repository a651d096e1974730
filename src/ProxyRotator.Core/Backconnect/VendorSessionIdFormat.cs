namespace ProxyRotator.Core.Backconnect;

/// <summary>Length and characters of a vendor session id.</summary>
public readonly record struct VendorSessionIdFormat
{
    /// <summary>The longest id <see cref="KeyedVendorSessionIds"/> can derive (one keyed-hash byte per character).</summary>
    public const int MaxLength = 32;

    public VendorSessionIdFormat(int length, VendorSessionIdCharset charset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        Length = length;
        Charset = charset;
    }

    public int Length { get; }

    public VendorSessionIdCharset Charset { get; }

    public string Alphabet => Charset switch
    {
        VendorSessionIdCharset.Alphanumeric => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        VendorSessionIdCharset.Hex => "0123456789abcdef",
        VendorSessionIdCharset.Digits => "0123456789",
        _ => "abcdefghijklmnopqrstuvwxyz0123456789",
    };

    /// <summary>True when <paramref name="id"/> has at most <see cref="Length"/> characters, all from the alphabet.</summary>
    public bool Fits(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > Length)
        {
            return false;
        }

        string alphabet = Alphabet;
        foreach (char c in id)
        {
            if (!alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
