namespace ProxyRotator.Core.Targeting;

/// <summary>What a sticky session does when its upstream fails.</summary>
public enum SessionMode
{
    /// <summary>Rebind to another upstream matching the same targeting.</summary>
    Flex = 0,
    /// <summary>Fail the request; never change the exit IP.</summary>
    Strict = 1,
}
