using System.Text.RegularExpressions;
using CsCheck;
using ProxyRotator.Core.Configuration;
using ProxyRotator.UnitTests.Configuration;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// The configuration loader over generated documents: the sample file (every field) and a small document, with
/// one or two JSON values swapped for hostile ones (out-of-range numbers and durations, wrong types, broken
/// <c>${...}</c>, odd addresses and URLs) and a few random character edits. Its only documented failure is a
/// <see cref="ConfigException"/> naming the problems; nothing else may escape.
/// </summary>
public sealed partial class ConfigLoaderFuzzTests : IDisposable
{
    private static readonly string[] Hostile =
    [
        "\"*:0\"", "\"localhost:0\"", "\"[::1%1]:80\"", "\"[::]:65536\"", "\"host:80\"", "\"99999999999999h\"", "\"106751991d\"", "\"-1s\"", "\"1d1d\"",
        "\"0ms\"", "\"9223372036854775807ms\"", "\"1.5s\"", "-1", "0", "1e400", "2147483648", "-9223372036854775809", "1.0", "\"${X}\"",
        "\"${\"", "\"$${\"", "\"${X:-\"", "\"${UNSET}\"", "[]", "{}", "null", "true", "\"\"", "\"\\u0000\"", "\"uk\"", "\"xk\"", "\"S\\u00e3o Paulo\"",
        "\"socks5://a:b@[::1%1]:1\"", "\"http://[::1]:0\"", "\"http://u:p@h:1/x?y\"", "\"ftp://a:1\"", "\"http://\"", "\"\\u00e9\"",
        "[\"*\", \"*\"]", "[\"127.0.0.1:1\", \"127.0.0.1:1\"]", "{\"url\": 1}", "\"" + new string('a', 5000) + "\"",
    ];

    private static readonly string SmallDocument = ConfigJson.Document(
        "'gateway': { 'listen': ['127.0.0.1:8080'], 'connectTimeout': '5s', 'maxAttempts': 3 }, 'users': [ { 'name': 'scraper', 'password': 'p' } ], " +
        "'sessions': { 'defaultTtl': '10m', 'maxTtl': '24h' }, " +
        "'pools': [ { 'name': 'eu', 'type': 'residential', 'proxies': [ 'http://u:p@198.51.100.1:80', { 'url': 'socks5://198.51.100.2:1080', 'country': 'DE', 'city': 'berlin' } ], " +
        "'providers': [ { 'name': 'acme', 'url': 'https://api.example/v1', 'refresh': '15m', 'fieldMap': { 'host': 'ip' } } ] } ]");

    private static readonly string[] Documents = [File.ReadAllText(SamplePath()), SmallDocument];

    private static readonly Gen<(int Token, int Replacement)> Swap = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, Hostile.Length - 1]);

    private static readonly Gen<(int Kind, int Position, char Value)> Edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.OneOf('"', '{', '}', '[', ']', ',', ':', '$', '\\', '/', '*', '0', 'a', ' '));

    private static readonly Gen<string> Texts = Gen.Select(
        Gen.Int[0, Documents.Length - 1], Swap.Array[1, 2], Edit.Array[0, 2], Gen.Int[0, 3],
        (document, swaps, edits, editCount) => Mutate(Documents[document], swaps, edits.Take(editCount == 3 ? 0 : editCount)));

    private readonly string _folder = Directory.CreateTempSubdirectory("proxyrotator-config-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LoadFromString_GeneratedDocuments_ThrowsNothingButConfigException()
    {
        var environment = new Dictionary<string, string> { ["X"] = "${X}", ["PROXYROTATOR_API_KEY"] = "0123456789abcdef" };

        FuzzBudget.Sample(Texts, text =>
        {
            try
            {
                ConfigLoader.LoadFromString(text, "pools.json", _folder, name => environment.GetValueOrDefault(name));
            }
            catch (ConfigException ex)
            {
                Assert.NotEmpty(ex.Errors);
                Assert.All(ex.Errors, e => Assert.False(string.IsNullOrEmpty(e.Reason)));
            }
        }, iterations: 4_000, print: text => text.Length > 3000 ? text[..3000] + "..." : text);
    }

    [Fact]
    public void Texts_IncludeLoadableDocuments()
    {
        // The generator must reach past the JSON syntax check often enough to test the field checks behind it.
        int loaded = 0;
        Texts.Sample(text =>
        {
            try
            {
                ConfigLoader.LoadFromString(text, "pools.json", _folder, name => name == "PROXYROTATOR_API_KEY" ? "0123456789abcdef" : null);
                Interlocked.Increment(ref loaded);
            }
            catch (ConfigException)
            {
            }
        }, iter: 500, threads: 1, seed: "0N0XIzNsQ0O2");

        Assert.InRange(loaded, 1, 499);
    }

    private static string Mutate(string text, (int Token, int Replacement)[] swaps, IEnumerable<(int Kind, int Position, char Value)> edits)
    {
        foreach ((int token, int replacement) in swaps)
        {
            MatchCollection values = ValueToken().Matches(text);
            Match value = values[token % values.Count];
            text = string.Concat(text.AsSpan(0, value.Index), Hostile[replacement], text.AsSpan(value.Index + value.Length));
        }

        foreach ((int kind, int position, char c) in edits)
        {
            int at = position % (text.Length + 1);
            text = kind switch
            {
                0 => text.Insert(at, c.ToString()),
                1 when at < text.Length => text.Remove(at, 1),
                _ when at < text.Length => string.Concat(text.AsSpan(0, at), c.ToString(), text.AsSpan(at + 1)),
                _ => text,
            };
        }

        return text;
    }

    private static string SamplePath()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "pools.sample.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("pools.sample.json not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("\"(?:[^\"\\\\\\n]|\\\\.)*\"|-?[0-9][0-9.eE+-]*|\\btrue\\b|\\bfalse\\b|\\bnull\\b")]
    private static partial Regex ValueToken();
}
