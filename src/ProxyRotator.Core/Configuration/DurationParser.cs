using System.Globalization;
using System.Text;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// Durations as written in the configuration file: one or more <c>NUMBER UNIT</c> groups with the units
/// <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> — <c>"500ms"</c>, <c>"5s"</c>, <c>"10m"</c>, <c>"2h"</c>, <c>"1d"</c>, <c>"1h30m"</c>.
/// Integers only, so a value always means exactly what it says.
/// </summary>
public static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration, out string? error)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            error = "a duration such as \"5s\" is required";
            return false;
        }

        long totalMs = 0;
        int i = 0;
        while (i < text.Length)
        {
            int numberStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetterLower(text[i]))
            {
                i++;
            }

            if (numberStart == unitStart || unitStart == i)
            {
                error = $"'{text}' is not a duration (use e.g. \"500ms\", \"5s\", \"10m\", \"2h\", \"1d\")";
                return false;
            }

            long unitMs = text[unitStart..i] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => 0,
            };
            if (unitMs == 0)
            {
                error = $"'{text}' has an unknown unit '{text[unitStart..i]}' (use ms, s, m, h or d)";
                return false;
            }

            if (!long.TryParse(text.AsSpan(numberStart, unitStart - numberStart), NumberStyles.None, CultureInfo.InvariantCulture, out long number)
                || number > TimeSpan.MaxValue.TotalMilliseconds / unitMs
                || (totalMs += number * unitMs) > TimeSpan.MaxValue.TotalMilliseconds / 2)
            {
                error = $"'{text}' is too long";
                return false;
            }
        }

        duration = TimeSpan.FromMilliseconds(totalMs);
        error = null;
        return true;
    }

    /// <summary>The shortest text <see cref="TryParse"/> reads back as the same duration, e.g. <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        long ms = (long)duration.TotalMilliseconds;
        if (ms <= 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        foreach ((long unitMs, string unit) in (ReadOnlySpan<(long, string)>)[(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms")])
        {
            if (ms >= unitMs)
            {
                text.Append(CultureInfo.InvariantCulture, $"{ms / unitMs}{unit}");
                ms %= unitMs;
            }
        }

        return text.ToString();
    }
}
