namespace ProxyRotator.Core.Targeting;

/// <summary>Why a proxy username was refused: the parameter (key) at fault and a message safe to show the client.</summary>
public readonly record struct TargetingError(string Parameter, string Message)
{
    public override string ToString() => $"{Parameter}: {Message}";
}
