using System.Net;

namespace ProxyRotator.Simulation.Upstreams;

/// <summary>
/// What a per-request authorizer (a simulated backconnect gateway) decided: the exit address for this request, or
/// the answer to send instead (status, reason and extra header lines).
/// </summary>
internal readonly record struct SimulatedAuthorization(IPAddress? Exit, int Status, string Reason, string? Headers)
{
    public static SimulatedAuthorization Allow(IPAddress exit) => new(exit, 0, string.Empty, null);

    public static SimulatedAuthorization Deny(int status, string reason, string? headers = null) => new(null, status, reason, headers);
}
