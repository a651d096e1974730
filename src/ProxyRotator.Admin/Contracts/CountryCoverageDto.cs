namespace ProxyRotator.Admin.Contracts;

/// <summary>How a backconnect upstream did in one country by its country probes (kept in memory, since the last start).</summary>
public sealed record CountryCoverageDto
{
    public required string Country { get; init; }

    /// <summary><c>ok</c> or <c>failed</c>: the last probe of this country.</summary>
    public required string LastResult { get; init; }

    public DateTimeOffset LastCheckedAt { get; init; }

    /// <summary>The last failure's reason (kept after a later success).</summary>
    public string? LastError { get; init; }

    public int ConsecutiveFailures { get; init; }
    public int Successes { get; init; }
    public int Failures { get; init; }

    /// <summary>The selector avoids this upstream for requests targeting this country (it still serves others).</summary>
    public bool Avoided { get; init; }
}
