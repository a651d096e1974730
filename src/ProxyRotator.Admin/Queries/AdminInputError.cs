namespace ProxyRotator.Admin.Queries;

/// <summary>Bad input to an admin route: which field and what is wrong with it (answered as 400 problem details).</summary>
public sealed record AdminInputError(string Field, string Message);
