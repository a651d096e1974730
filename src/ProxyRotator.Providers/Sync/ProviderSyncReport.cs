namespace ProxyRotator.Providers.Sync;

/// <summary>The outcome of one provider sync, as shown by <c>import</c> and <c>POST /api/import</c>.</summary>
public sealed record ProviderSyncReport(string Pool, string Provider)
{
    public bool Succeeded => Error is null;

    /// <summary>Why the pool was left as it was; null on success.</summary>
    public string? Error { get; init; }

    /// <summary>Usable entries the provider listed.</summary>
    public int Listed { get; init; }

    /// <summary>Entries skipped as invalid, with the reason (the first few).</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    public int Added { get; init; }
    public int Updated { get; init; }
    public int Retired { get; init; }

    public override string ToString() => Succeeded
        ? $"{Pool}/{Provider}: listed {Listed}, added {Added}, updated {Updated}, retired {Retired}"
        : $"{Pool}/{Provider}: failed: {Error}";
}
