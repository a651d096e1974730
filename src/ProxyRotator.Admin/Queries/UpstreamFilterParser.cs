using System.Globalization;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;

namespace ProxyRotator.Admin.Queries;

/// <summary>Turns the query string of <c>GET /api/proxies</c> into an <see cref="UpstreamFilter"/>, naming any bad field.</summary>
public static class UpstreamFilterParser
{
    public const int MaxPageSize = 1000;

    public static bool TryParse(
        string? pool, string? status, string? type, string? country, string? page, string? pageSize,
        out UpstreamFilter filter, out AdminInputError? error)
    {
        filter = new UpstreamFilter();
        error = null;

        IReadOnlyList<UpstreamStatus>? statuses = null;
        if (!string.IsNullOrWhiteSpace(status) && !status.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = new List<UpstreamStatus>();
            foreach (string part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryParseEnum(part, out UpstreamStatus one))
                {
                    error = new AdminInputError("status", $"unknown status '{part}' (pending, active, quarantined, retired or all)");
                    return false;
                }

                parsed.Add(one);
            }

            statuses = parsed;
        }
        else if (status is not null && status.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            statuses = Enum.GetValues<UpstreamStatus>();
        }

        UpstreamType? upstreamType = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            if (!TryParseEnum(type, out UpstreamType parsedType))
            {
                error = new AdminInputError("type", $"unknown type '{type}' (residential, mobile, datacenter, isp)");
                return false;
            }

            upstreamType = parsedType;
        }

        if (!IsoCountryCodes.TryNormalizeOptional(country, out string? cc))
        {
            error = new AdminInputError("country", $"'{country}' is not an ISO 3166-1 alpha-2 code");
            return false;
        }

        if (!TryParseInt(page, 1, 1, int.MaxValue, out int pageNumber))
        {
            error = new AdminInputError("page", "must be a whole number from 1");
            return false;
        }

        if (!TryParseInt(pageSize, 100, 1, MaxPageSize, out int size))
        {
            error = new AdminInputError("pageSize", $"must be a whole number from 1 to {MaxPageSize}");
            return false;
        }

        filter = new UpstreamFilter
        {
            Pool = string.IsNullOrWhiteSpace(pool) ? null : pool.Trim(),
            Statuses = statuses,
            Type = upstreamType,
            Country = cc,
            Page = pageNumber,
            PageSize = size,
        };
        return true;
    }

    public static bool TryParseEnum<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !char.IsDigit(text.Trim()[0]);

    public static bool TryParseInt(string? text, int fallback, int min, int max, out int value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
