using System.Text;
using System.Text.RegularExpressions;

namespace ProxyRotator.Core.Pool;

/// <summary>
/// Masks credentials in URLs and messages shown to operators. It replaces credential <em>components</em> (a URL's
/// user-info, a query value, the password as a whole token), never every substring that happens to spell the
/// password: with password <c>p</c>, "probes" stays "probes".
/// </summary>
public static partial class CredentialMasking
{
    public const string Mask = "***";

    /// <summary>
    /// A URL for display: the user-info's password becomes <c>***</c> (all of it when there is no <c>:</c>, as with a
    /// token used as user name), every query value <c>***</c>: keys may live in either.
    /// </summary>
    public static string MaskUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        string masked = MaskUserInfo(url);
        int q = masked.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return masked;
        }

        int hash = masked.IndexOf('#', q);
        string query = hash < 0 ? masked[(q + 1)..] : masked[(q + 1)..hash];
        IEnumerable<string> names = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=')[0] + "=" + Mask);
        return masked[..(q + 1)] + string.Join('&', names);
    }

    /// <summary>
    /// A free-text message for display: the user-info of any URL in it is masked, then <paramref name="password"/>
    /// (plain or URL-escaped) where it stands as a whole token, not inside a longer word.
    /// </summary>
    public static string? Scrub(string? text, string? password)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = MaskUserInfo(text);
        if (string.IsNullOrEmpty(password))
        {
            return text;
        }

        text = MaskToken(text, password);
        string escaped = Uri.EscapeDataString(password);
        return escaped == password ? text : MaskToken(text, escaped);
    }

    /// <summary><c>scheme://user:pass@host</c> → <c>scheme://user:***@host</c> (<c>scheme://token@</c> → <c>***@</c>), wherever a URL appears.</summary>
    private static string MaskUserInfo(string text) =>
        text.Contains("://", StringComparison.Ordinal) && text.Contains('@', StringComparison.Ordinal)
            ? UserInfoPattern().Replace(text, match => match.Groups["user"].Success
                ? $"{match.Groups["scheme"].Value}://{match.Groups["user"].Value}:{Mask}@"
                : $"{match.Groups["scheme"].Value}://{Mask}@")
            : text;

    private static string MaskToken(string text, string token)
    {
        var result = new StringBuilder(text.Length);
        int from = 0;
        int at;
        while ((at = text.IndexOf(token, from, StringComparison.Ordinal)) >= 0)
        {
            int end = at + token.Length;
            bool startsToken = at == 0 || !char.IsLetterOrDigit(text[at - 1]) || !char.IsLetterOrDigit(token[0]);
            bool endsToken = end == text.Length || !char.IsLetterOrDigit(text[end]) || !char.IsLetterOrDigit(token[^1]);
            result.Append(text, from, at - from).Append(startsToken && endsToken ? Mask : token);
            from = end;
        }

        return from == 0 ? text : result.Append(text, from, text.Length - from).ToString();
    }

    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?:(?<user>[^/?#@\s:]*):)?[^/?#@\s]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfoPattern();
}
