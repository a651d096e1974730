using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ProxyRotator.Health.Probing;

/// <summary>Reads the caller's address from an IP-echo body: plain text (<c>203.0.113.9</c>) or JSON (<c>{"ip":"203.0.113.9"}</c>).</summary>
public static class ExitIpParser
{
    public static bool TryParse(string? body, out string? ip)
    {
        ip = null;
        string text = body?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return false;
        }

        if (text[0] == '{')
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object
                    || !TryGetIp(doc.RootElement, out JsonElement value)
                    || value.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                text = value.GetString()!.Trim();
            }
            catch (JsonException)
            {
                return false;
            }
        }

        // IPAddress.TryParse also takes shorthand such as "1" or "10.1"; an echo always sends the full form.
        if (!IPAddress.TryParse(text, out IPAddress? address)
            || (address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
            || text.Any(char.IsWhiteSpace))
        {
            return false;
        }

        // An IPv4 client seen by a dual-stack server arrives as ::ffff:a.b.c.d.
        ip = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        return true;
    }

    private static bool TryGetIp(JsonElement obj, out JsonElement value)
    {
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (p.Name.Equals("ip", StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
