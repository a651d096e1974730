namespace ProxyRotator.Admin.Security;

/// <summary>
/// Marks a connection accepted on the admin listener. Admin routes answer only such connections, so the gateway
/// port never serves the admin API, whatever Host header a proxy client sends.
/// </summary>
internal static class AdminListenerFeature
{
    public const string ItemKey = "ProxyRotator.AdminListener";
}
