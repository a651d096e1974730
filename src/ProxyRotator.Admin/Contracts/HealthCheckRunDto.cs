namespace ProxyRotator.Admin.Contracts;

/// <summary><c>POST /api/checks</c>: every outcome of the pass, with totals.</summary>
public sealed record HealthCheckRunDto(int Checked, int Succeeded, int Failed, IReadOnlyList<HealthCheckOutcomeDto> Outcomes);
