namespace ProxyRotator.Core.Configuration;

/// <summary><c>tracing</c>: OpenTelemetry traces of gateway requests, exported over OTLP. Off unless <see cref="Enabled"/>.</summary>
public sealed class TracingOptions
{
    public bool Enabled { get; set; }

    /// <summary>The OTLP collector; <c>http://127.0.0.1:4317</c> (gRPC) by default.</summary>
    public Uri Endpoint { get; set; } = new("http://127.0.0.1:4317");

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = "grpc";

    /// <summary>Share of new traces recorded, 0..1 (parent-based: a sampled caller's trace is kept).</summary>
    public double SamplingRatio { get; set; } = 1.0;
}
