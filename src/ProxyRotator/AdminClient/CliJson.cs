using System.Text.Json;

namespace ProxyRotator.AdminClient;

/// <summary>JSON as the admin API speaks it (camelCase), indented for <c>--json</c> output.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync<T>(TextWriter output, T value) => output.WriteLineAsync(JsonSerializer.Serialize(value, Options));
}
