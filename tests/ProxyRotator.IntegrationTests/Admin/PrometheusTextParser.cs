using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ProxyRotator.IntegrationTests.Admin;

/// <summary>
/// A strict parser of the Prometheus text format 0.0.4, written for the tests: it throws on anything a Prometheus
/// server would reject or that breaks the format's rules (metric and label names, escapes, values, TYPE before
/// samples, one TYPE per family, no duplicate series, histogram buckets cumulative with +Inf equal to _count).
/// </summary>
internal static partial class PrometheusTextParser
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyList<Sample> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the exposition must end with a line feed");
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var series = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        for (int number = 1; number <= lines.Length; number++)
        {
            string line = lines[number - 1];
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                ParseComment(line, number, types, samples);
                continue;
            }

            Sample sample = ParseSample(line, number);
            string family = FamilyOf(sample.Name, types) ?? throw new FormatException($"line {number}: sample '{sample.Name}' has no # TYPE");
            string key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!series.Add(key))
            {
                throw new FormatException($"line {number}: duplicate series {key}");
            }

            if (types[family] == "counter" && (sample.Value < 0 || double.IsNaN(sample.Value)))
            {
                throw new FormatException($"line {number}: counter {sample.Name} is negative or NaN");
            }

            samples.Add(sample);
        }

        CheckHistograms(types, samples);
        return samples;
    }

    private static void ParseComment(string line, int number, Dictionary<string, string> types, List<Sample> samples)
    {
        string[] parts = line.Split(' ', 4);
        if (parts.Length >= 3 && parts[1] == "TYPE")
        {
            string name = parts[2];
            string type = parts.Length == 4 ? parts[3] : throw new FormatException($"line {number}: TYPE without a type");
            if (!MetricName().IsMatch(name) || !Types.Contains(type))
            {
                throw new FormatException($"line {number}: bad TYPE line");
            }

            if (!types.TryAdd(name, type))
            {
                throw new FormatException($"line {number}: second TYPE for {name}");
            }

            if (samples.Any(s => FamilyOf(s.Name, types) == name))
            {
                throw new FormatException($"line {number}: TYPE for {name} after its samples");
            }
        }
        else if (parts.Length >= 3 && parts[1] == "HELP")
        {
            if (!MetricName().IsMatch(parts[2]))
            {
                throw new FormatException($"line {number}: bad HELP name");
            }

            string help = parts.Length == 4 ? parts[3] : string.Empty;
            for (int i = 0; i < help.Length; i++)
            {
                if (help[i] == '\\' && (i + 1 >= help.Length || help[i + 1] is not ('\\' or 'n')))
                {
                    throw new FormatException($"line {number}: bad escape in HELP");
                }

                if (help[i] == '\\')
                {
                    i++;
                }
            }
        }
    }

    private static Sample ParseSample(string line, int number)
    {
        int i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
        {
            i++;
        }

        string name = line[..i];
        if (!MetricName().IsMatch(name))
        {
            throw new FormatException($"line {number}: bad metric name '{name}'");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                string labelName = eq > i ? line[i..eq] : throw new FormatException($"line {number}: label without '='");
                if (!LabelName().IsMatch(labelName) || labelName.StartsWith("__", StringComparison.Ordinal))
                {
                    throw new FormatException($"line {number}: bad label name '{labelName}'");
                }

                i = eq + 1;
                if (line[i] != '"')
                {
                    throw new FormatException($"line {number}: label value not quoted");
                }

                i++;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"line {number}: bad escape '\\{line[i]}' in label value"),
                        });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                i++;
                if (!labels.TryAdd(labelName, value.ToString()))
                {
                    throw new FormatException($"line {number}: label {labelName} twice");
                }

                if (line[i] == ',')
                {
                    i++;
                }
                else if (line[i] != '}')
                {
                    throw new FormatException($"line {number}: expected ',' or '}}' after a label");
                }
            }

            i++;
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"line {number}: expected a space before the value");
        }

        string[] rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2)
        {
            throw new FormatException($"line {number}: expected 'value [timestamp]'");
        }

        double number2 = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ when double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            _ => throw new FormatException($"line {number}: bad value '{rest[0]}'"),
        };
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"line {number}: bad timestamp");
        }

        return new Sample(name, labels, number2);
    }

    private static string? FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sampleName))
        {
            return sampleName;
        }

        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && types.TryGetValue(sampleName[..^suffix.Length], out string? type) && type is "histogram" or "summary")
            {
                return sampleName[..^suffix.Length];
            }
        }

        return null;
    }

    private static void CheckHistograms(Dictionary<string, string> types, List<Sample> samples)
    {
        foreach (string family in types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var buckets = samples.Where(s => s.Name == family + "_bucket").ToList();
            if (buckets.Count == 0)
            {
                continue;
            }

            double previous = double.NegativeInfinity;
            double previousCount = 0;
            foreach (Sample bucket in buckets.OrderBy(b => b.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(b.Labels["le"], CultureInfo.InvariantCulture)))
            {
                double le = bucket.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(bucket.Labels["le"], CultureInfo.InvariantCulture);
                if (le <= previous || bucket.Value < previousCount)
                {
                    throw new FormatException($"{family}: buckets are not cumulative");
                }

                (previous, previousCount) = (le, bucket.Value);
            }

            if (!double.IsPositiveInfinity(previous))
            {
                throw new FormatException($"{family}: no +Inf bucket");
            }

            double count = samples.Single(s => s.Name == family + "_count").Value;
            if (count != previousCount)
            {
                throw new FormatException($"{family}: _count {count} differs from the +Inf bucket {previousCount}");
            }

            _ = samples.Single(s => s.Name == family + "_sum");
        }
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
