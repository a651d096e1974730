namespace ProxyRotator.Simulation.Upstreams;

/// <summary>Negative results of <see cref="BufferedSocket.ReadHeadAsync"/>.</summary>
internal static class HeadResult
{
    public const int EndOfStream = -1;
    public const int Truncated = -2;
    public const int TooLarge = -3;
}
