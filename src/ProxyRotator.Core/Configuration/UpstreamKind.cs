namespace ProxyRotator.Core.Configuration;

/// <summary>What an upstream entry is: one proxy with a fixed exit, or a vendor's backconnect gateway.</summary>
public enum UpstreamKind
{
    /// <summary>One proxy: fixed credentials, one declared country.</summary>
    Static = 0,

    /// <summary>A vendor gateway whose exit changes per request; targeting goes into its credentials through a dialect.</summary>
    Backconnect = 1,
}
