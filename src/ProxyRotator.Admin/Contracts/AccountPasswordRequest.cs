namespace ProxyRotator.Admin.Contracts;

/// <summary><c>POST /api/accounts/{name}/password</c>: the new password, or none to have one generated.</summary>
public sealed record AccountPasswordRequest(string? Password = null);
