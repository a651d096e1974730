namespace ProxyRotator.Core.Accounts;

/// <summary>One row of usage: an account's traffic through one pool on one UTC day, with one outcome.</summary>
/// <param name="Account">The account.</param>
/// <param name="Pool">The pool that served it, or <c>-</c> when none was picked (refused before routing).</param>
/// <param name="Day">The UTC day.</param>
/// <param name="Outcome">Empty for served requests, else the failure kind (the <c>X-ProxyRotator-Error</c> code).</param>
public readonly record struct UsageKey(string Account, string Pool, DateOnly Day, string Outcome);
