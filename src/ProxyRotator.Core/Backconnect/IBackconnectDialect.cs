namespace ProxyRotator.Core.Backconnect;

/// <summary>
/// How one vendor's backconnect gateway wants targeting written: turns our canonical targeting plus the upstream's
/// base credentials into the vendor's username and password for one request, or refuses naming the parameter it
/// cannot express. A dialect never drops a parameter silently. Implementations are immutable and thread-safe.
/// </summary>
public interface IBackconnectDialect
{
    /// <summary>The name used in configuration (<c>"dialect": "brightdata"</c>), lower case.</summary>
    string Name { get; }

    BackconnectTranslation Translate(in BackconnectRequest request);
}
