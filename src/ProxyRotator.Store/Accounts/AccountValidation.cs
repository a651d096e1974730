using System.Text;
using ProxyRotator.Core.Configuration;

namespace ProxyRotator.Store.Accounts;

/// <summary>The same rules for an account name and password as the configuration file's <c>users</c>.</summary>
public static class AccountValidation
{
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) ? "name: must not be empty"
        : name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.')
            ? $"name: '{name}' must be 1-64 letters, digits, '_' or '.' ('-' starts targeting parameters in the username)"
        : null;

    public static string? PasswordProblem(string password) =>
        password.Length == 0 ? "password: must not be empty"
        : password.Any(char.IsControl) ? "password: must not contain control characters"
        : Encoding.UTF8.GetByteCount(password) > ConfigLimits.MaxCredentialBytes ? $"password: longer than {ConfigLimits.MaxCredentialBytes} bytes (the SOCKS5 limit, RFC 1929)"
        : null;
}
