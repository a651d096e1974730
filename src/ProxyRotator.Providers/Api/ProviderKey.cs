namespace ProxyRotator.Providers.Api;

/// <summary>Names one provider of one pool: the DI key of its client and the identity of its Quartz job.</summary>
public readonly record struct ProviderKey(string Pool, string Provider)
{
    public override string ToString() => $"{Pool}/{Provider}";
}
