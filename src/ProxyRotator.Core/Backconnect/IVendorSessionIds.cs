namespace ProxyRotator.Core.Backconnect;

/// <summary>Derives the vendor's session id for one of our sticky sessions.</summary>
public interface IVendorSessionIds
{
    /// <summary>
    /// An id that fits <paramref name="format"/>, the same for the same (account, session id, epoch), and that does
    /// not reveal the account name.
    /// </summary>
    string Derive(string account, string sessionId, long epoch, VendorSessionIdFormat format);
}
