namespace ProxyRotator.Simulation.Backconnect;

/// <summary>What a simulated vendor gateway read from a username (or IPRoyal password), in the vendor's terms.</summary>
public sealed record SimulatedVendorRequest
{
    /// <summary>Upper case; null means any country.</summary>
    public string? Country { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public uint? Asn { get; init; }
    public string? SessionId { get; init; }

    /// <summary>The session's lifetime as the vendor reads it (its default when the username names none).</summary>
    public TimeSpan SessionTtl { get; init; }

    /// <summary>The session ends after this long without requests (Bright Data: 60 s), null if only the TTL counts.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Fail rather than change the exit (Bright Data <c>-const</c>, SOAX <c>bind-node</c>).</summary>
    public bool Strict { get; init; }
}
