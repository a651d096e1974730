namespace ProxyRotator.Simulation.Backconnect;

/// <summary>A vendor-like error answer: status, reason phrase and the vendor's own error header.</summary>
public sealed record SimulatedVendorRejection(int Status, string Reason, string HeaderName, string Detail)
{
    /// <summary>The header lines, with <c>Proxy-Authenticate</c> for a 407.</summary>
    public string HeaderLines =>
        (Status == 407 ? "Proxy-Authenticate: Basic realm=\"simulated-vendor\"\r\n" : string.Empty)
        + $"{HeaderName}: {Detail}\r\n";
}
