using System.Text.RegularExpressions;

namespace ProxyRotator;

/// <summary>
/// Rewrites System.CommandLine's parse errors that name .NET types ("Cannot parse argument 'abc' for command
/// 'retire' as expected type 'System.Int64'") in words a user of the command knows; other errors pass unchanged.
/// </summary>
internal static partial class ParseErrorText
{
    public static string Describe(string message)
    {
        Match match = TypedParseError().Match(message);
        if (!match.Success)
        {
            return message;
        }

        string expected = match.Groups["type"].Value switch
        {
            "System.Int64" or "System.Int32" or "System.Int16" or "System.UInt64" or "System.UInt32" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration",
            _ => "in the expected form",
        };
        string value = match.Groups["value"].Value;
        string name = match.Groups["name"].Value;
        return $"{name}: '{value}' is not {expected}";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?<kind>command|option) '(?<name>[^']*)' as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex TypedParseError();
}
