namespace ProxyRotator.Store.Configurations;

/// <summary>Column lengths, so the schema carries over to databases that enforce them (PostgreSQL).</summary>
internal static class StoreLimits
{
    public const int NameLength = 128;
    public const int EnumLength = 32;
    public const int HostLength = 255;
    public const int CredentialLength = 255;
    public const int AddressKeyLength = 300;
    public const int IpLength = 64;
    public const int NoteLength = 512;
    public const int ErrorLength = 2048;
    public const int SourceLength = 160;
    public const int UrlLength = 2048;
}
