using System.Text;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// Replaces <c>${NAME}</c> with the environment variable NAME and <c>${NAME:-default}</c> with NAME, or with
/// <c>default</c> when NAME is unset or empty (as in a shell). <c>$${</c> stands for a literal <c>${</c>.
/// A <c>${NAME}</c> whose variable is unset is an error: secrets must not silently become empty.
/// </summary>
internal static class EnvironmentSubstitution
{
    public static bool TrySubstitute(string value, Func<string, string?> environment, out string result, out string? error)
    {
        result = value;
        error = null;
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return true;
        }

        var text = new StringBuilder(value.Length);
        int i = 0;
        while (i < value.Length)
        {
            if (value[i] == '$' && i + 2 < value.Length && value[i + 1] == '$' && value[i + 2] == '{')
            {
                text.Append("${");
                i += 3;
                continue;
            }

            if (value[i] != '$' || i + 1 >= value.Length || value[i + 1] != '{')
            {
                text.Append(value[i]);
                i++;
                continue;
            }

            int close = value.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = "'${' without a closing '}' (write '$${' for a literal '${')";
                return false;
            }

            string reference = value[(i + 2)..close];
            int defaultMark = reference.IndexOf(":-", StringComparison.Ordinal);
            string name = defaultMark < 0 ? reference : reference[..defaultMark];
            if (!IsVariableName(name))
            {
                error = $"'${{{reference}}}' is not a valid reference (use ${{NAME}} or ${{NAME:-default}}, NAME of letters, digits and '_')";
                return false;
            }

            string? variable = environment(name);
            if (defaultMark >= 0)
            {
                text.Append(string.IsNullOrEmpty(variable) ? reference[(defaultMark + 2)..] : variable);
            }
            else if (variable is null)
            {
                error = $"environment variable '{name}' is not set (set it, or write ${{{name}:-default}})";
                return false;
            }
            else
            {
                text.Append(variable);
            }

            i = close + 1;
        }

        result = text.ToString();
        return true;
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
