namespace ProxyRotator.Benchmarks.Soak;

/// <summary>One minute's figures of the serve process and of the traffic through it.</summary>
internal sealed record SoakSample(
    int Minute, double RssMb, int Handles, int Threads, double GcHeapMb, double GcHeapAfterCollectionMb,
    double P50Ms, double P99Ms, long Requests, long Failures, long Sessions);
