using System.Globalization;
using System.Text.Json;

namespace ProxyRotator.Core.Configuration;

/// <summary>Reads the <c>accessLog</c> and <c>tracing</c> sections (kept apart from <see cref="ConfigDocumentParser"/>).</summary>
internal static class ObservabilityParser
{
    /// <summary>Smallest rotation size: below it a file would hold a handful of lines.</summary>
    public const long MinFileBytes = 1024;

    public const long MaxFileBytes = 1L << 40;
    public const int MaxRetainedFiles = 1000;
    public const int MaxQueueCapacity = 1_000_000;
    public const int MinHashKeyLength = 16;

    public static void ReadAccessLog(JsonObjectReader reader, AccessLogOptions options)
    {
        ConfigReadContext context = reader.Context;
        options.Enabled = reader.Bool("enabled") ?? true; // a present section means "on" unless it says otherwise
        if (reader.String("destination") is { } destination)
        {
            switch (destination)
            {
                case "file":
                    options.Destination = AccessLogDestination.File;
                    break;
                case "stdout":
                    options.Destination = AccessLogDestination.Stdout;
                    break;
                default:
                    context.Error(reader.PathOf("destination"), $"'{destination}' is not a destination (\"file\" or \"stdout\")");
                    break;
            }
        }

        if (reader.String("path") is { } path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                context.Error(reader.PathOf("path"), "must not be empty");
            }
            else
            {
                options.Path = path;
            }
        }

        if (options.Destination == AccessLogDestination.File)
        {
            if (context.TryResolvePath(options.Path, out string fullPath))
            {
                options.Path = fullPath;
            }
            else
            {
                context.Error(reader.PathOf("path"), "is not a file path");
            }
        }

        if (reader.TryGet("maxFileSize", out JsonElement size))
        {
            options.MaxFileBytes = ReadByteSize(context, size, reader.PathOf("maxFileSize")) ?? options.MaxFileBytes;
        }

        options.MaxFiles = reader.Int("maxFiles", 1, MaxRetainedFiles) ?? options.MaxFiles;
        options.QueueCapacity = reader.Int("queueCapacity", 1, MaxQueueCapacity) ?? options.QueueCapacity;
        options.IncludeUrlPath = reader.Bool("includeUrlPath") ?? options.IncludeUrlPath;
        options.HashTargets = reader.Bool("hashTargets") ?? options.HashTargets;
        options.HashKey = reader.String("hashKey");
        if (options.HashTargets && (options.HashKey is null || options.HashKey.Length < MinHashKeyLength))
        {
            context.Error(reader.PathOf("hashKey"),
                $"needs at least {MinHashKeyLength} characters when hashTargets is true (e.g. \"${{ACCESS_LOG_HASH_KEY}}\" from `openssl rand -hex 24`)");
        }

        reader.RejectUnknownFields();
    }

    public static void ReadTracing(JsonObjectReader reader, TracingOptions options)
    {
        ConfigReadContext context = reader.Context;
        options.Enabled = reader.Bool("enabled") ?? true;
        if (reader.String("endpoint") is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                context.Error(reader.PathOf("endpoint"), $"'{endpoint}' is not an absolute http:// or https:// URL (e.g. \"http://127.0.0.1:4317\")");
            }
            else
            {
                options.Endpoint = uri;
            }
        }

        if (reader.String("protocol") is { } protocol)
        {
            if (protocol is not ("grpc" or "http/protobuf"))
            {
                context.Error(reader.PathOf("protocol"), $"'{protocol}' is not an OTLP protocol (\"grpc\" or \"http/protobuf\")");
            }
            else
            {
                options.Protocol = protocol;
            }
        }

        if (reader.TryGet("samplingRatio", out JsonElement ratio))
        {
            if (ratio.ValueKind != JsonValueKind.Number || !ratio.TryGetDouble(out double value) || value is < 0 or > 1)
            {
                context.Error(reader.PathOf("samplingRatio"), $"must be a number from 0 to 1, not {ConfigReadContext.Describe(ratio)}");
            }
            else
            {
                options.SamplingRatio = value;
            }
        }

        reader.RejectUnknownFields();
    }

    /// <summary>A whole number of bytes, or a string such as <c>"512KB"</c>, <c>"100MB"</c>, <c>"1GB"</c> (powers of 1024).</summary>
    internal static long? ReadByteSize(ConfigReadContext context, JsonElement element, string path)
    {
        long bytes;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long number))
        {
            bytes = number;
        }
        else if (element.ValueKind == JsonValueKind.String && TryParseByteSize(element.GetString()!, out long parsed))
        {
            bytes = parsed;
        }
        else
        {
            context.Error(path, $"must be a size such as \"100MB\", \"512KB\" or a number of bytes, not {ConfigReadContext.Describe(element)}");
            return null;
        }

        if (bytes < MinFileBytes || bytes > MaxFileBytes)
        {
            context.Error(path, $"must be between 1KB and 1TB (got {bytes.ToString(CultureInfo.InvariantCulture)} bytes)");
            return null;
        }

        return bytes;
    }

    internal static bool TryParseByteSize(string text, out long bytes)
    {
        bytes = 0;
        ReadOnlySpan<char> span = text.AsSpan().Trim();
        long multiplier = 1;
        foreach ((string suffix, long factor) in (ReadOnlySpan<(string, long)>)[("KB", 1L << 10), ("MB", 1L << 20), ("GB", 1L << 30), ("TB", 1L << 40), ("B", 1)])
        {
            if (span.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = factor;
                span = span[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = value * multiplier;
        return true;
    }
}
