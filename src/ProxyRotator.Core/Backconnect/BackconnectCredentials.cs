namespace ProxyRotator.Core.Backconnect;

/// <summary>A username and password for a backconnect gateway; <see cref="ToString"/> masks the password.</summary>
public readonly record struct BackconnectCredentials(string Username, string Password)
{
    public override string ToString() => $"{Username}:***";
}
