namespace ProxyRotator.Providers.Api;

/// <summary>Hands out the Refit client of one configured provider (a seam for tests).</summary>
public interface IProviderApiFactory
{
    IProviderApi Create(ProviderKey key);
}
