namespace ProxyRotator.Gateway.Relay;

/// <summary>How a tunnel ended and how much it carried.</summary>
public readonly record struct RelayResult(long BytesFromClient, long BytesToClient, RelayEnd End);
