using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Configuration;

/// <summary>The spelling of <see cref="UpstreamType"/> in files, usernames and the API: <c>residential</c>, <c>mobile</c>, <c>datacenter</c>, <c>isp</c>.</summary>
public static class UpstreamTypeNames
{
    public const string Expected = "residential, mobile, datacenter or isp";

    /// <summary>Case-insensitive; numbers are not accepted (<c>"2"</c> is not a type).</summary>
    public static bool TryParse(string? text, out UpstreamType type)
    {
        switch (text?.ToLowerInvariant())
        {
            case "residential": type = UpstreamType.Residential; return true;
            case "mobile": type = UpstreamType.Mobile; return true;
            case "datacenter": type = UpstreamType.Datacenter; return true;
            case "isp": type = UpstreamType.Isp; return true;
            default: type = default; return false;
        }
    }

    public static string ToName(UpstreamType type) => type switch
    {
        UpstreamType.Residential => "residential",
        UpstreamType.Mobile => "mobile",
        UpstreamType.Datacenter => "datacenter",
        UpstreamType.Isp => "isp",
        _ => type.ToString().ToLowerInvariant(),
    };
}
