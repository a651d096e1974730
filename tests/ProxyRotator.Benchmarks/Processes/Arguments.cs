using System.Globalization;

namespace ProxyRotator.Benchmarks.Processes;

/// <summary>The few <c>--name value</c> options of the separate-process benchmark and its helper processes.</summary>
internal static class Arguments
{
    public static string Text(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    public static int Int(string[] args, string name, int fallback) =>
        int.TryParse(Text(args, name, string.Empty), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    public static double Double(string[] args, string name, double fallback) =>
        double.TryParse(Text(args, name, string.Empty), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : fallback;

    /// <summary>Every value of a repeatable option.</summary>
    public static IEnumerable<string> All(string[] args, string name)
    {
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name)
            {
                yield return args[i + 1];
            }
        }
    }
}
