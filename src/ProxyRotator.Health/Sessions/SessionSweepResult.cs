namespace ProxyRotator.Health.Sessions;

/// <summary>What one sweep removed.</summary>
/// <param name="Expired">Sessions past their expiry.</param>
/// <param name="StrictOnRetired">Strict sessions whose upstream was retired.</param>
/// <param name="FlexOnRetiredLeft">Flex sessions whose upstream was retired, left to rebind on their next request.</param>
public readonly record struct SessionSweepResult(int Expired, int StrictOnRetired, int FlexOnRetiredLeft);
