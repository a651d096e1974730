namespace ProxyRotator.Simulation.Backconnect;

/// <summary>One vendor's credential syntax, parsed as the vendor documents it, and the vendor's error answers.</summary>
public interface ISimulatedVendorGrammar
{
    /// <summary>The dialect name it simulates (<c>brightdata</c>, ...).</summary>
    string Dialect { get; }

    /// <summary>The upstream URL's credentials a ProxyRotator configuration would hold for this vendor account.</summary>
    (string Username, string Password) BaseCredentials { get; }

    bool TryParse(string? username, string? password, out SimulatedVendorRequest? request, out SimulatedVendorRejection? rejection);

    /// <summary>The answer when a strict session's exit is gone.</summary>
    SimulatedVendorRejection PeerLost { get; }

    /// <summary>The answer when no exit serves the asked country.</summary>
    SimulatedVendorRejection NoPeers(string country);
}
