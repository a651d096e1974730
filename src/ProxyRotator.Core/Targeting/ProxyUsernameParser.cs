using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;

namespace ProxyRotator.Core.Targeting;

/// <summary>
/// Parses a proxy username of the form <c>ACCOUNT(-KEY-VALUE)*</c> (design §3) straight from a span; only the
/// result is allocated. Keys are case-insensitive and have aliases:
/// <list type="bullet">
/// <item><c>type</c>: residential, mobile, datacenter, isp (any case).</item>
/// <item><c>country</c>/<c>cc</c>: normalised by <see cref="IsoCountryCodes"/> (ISO 3166-1 alpha-2, any case, <c>uk</c> means GB, <c>xk</c> is Kosovo).</item>
/// <item><c>city</c>: normalised by <see cref="CityNames"/> (lower case, accents removed, <c>_</c> for spaces), as upstreams' cities are.</item>
/// <item><c>pool</c>: <c>[a-z0-9_]+</c>, upper case accepted and stored lower case (pool names with <c>-</c> cannot be targeted).</item>
/// <item><c>session</c>/<c>sessid</c>/<c>sessionid</c>: <c>[A-Za-z0-9_]{1,64}</c>, case kept.</item>
/// <item><c>sesstime</c>/<c>sessionduration</c>/<c>ttl</c>: whole minutes, 1 .. <see cref="SessionOptions.MaxTtl"/>.</item>
/// <item><c>sessmode</c>: flex or strict.</item>
/// <item><c>geo</c>: verified.</item>
/// <item><c>state</c>/<c>st</c>: <c>[a-z_]{2,64}</c> (a region code or name, <c>_</c> for spaces), upper case accepted and stored lower case.</item>
/// <item><c>asn</c>: an autonomous system number, 1 .. 4294967295, digits only.</item>
/// <item><c>exclusive</c>: on or off (exclusive exits, overriding the pool's setting).</item>
/// <item><c>banned</c>: an upstream id (digits), an exit IP, or <c>session</c>: reports a ban the client saw in a tunnel.</item>
/// </list>
/// Decisions: <c>sesstime</c> or <c>sessmode</c> without <c>session</c> is an error (it would silently do nothing);
/// a key given twice (also through an alias, e.g. <c>country</c> and <c>cc</c>) is an error; an account name may not
/// contain <c>-</c>; control characters (CR, LF, NUL, ...) anywhere refuse the whole username.
/// </summary>
public static class ProxyUsernameParser
{
    /// <summary>RFC 1929 caps a username at 255 bytes; Basic auth gets the same cap so both paths agree.</summary>
    public const int MaxLength = 255;

    public const int MaxSessionIdLength = 64;

    public const int MaxStateLength = 64;

    private const string UsernameParameter = "username";

    [Flags]
    private enum Seen
    {
        None = 0,
        Type = 1,
        Country = 2,
        City = 4,
        Pool = 8,
        Session = 16,
        SessionTime = 32,
        SessionMode = 64,
        Geo = 128,
        State = 256,
        Asn = 512,
        Exclusive = 1024,
        Banned = 2048,
    }

    public static bool TryParse(ReadOnlySpan<char> username, SessionOptions sessions, out TargetingParameters? parameters, out TargetingError error) =>
        TryParse(username, sessions, account: null, out parameters, out error);

    /// <summary>
    /// As <see cref="TryParse(ReadOnlySpan{char}, SessionOptions, out TargetingParameters?, out TargetingError)"/>, but
    /// uses <paramref name="account"/> (the configured name the caller already matched) instead of allocating one.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<char> username,
        SessionOptions sessions,
        string? account,
        out TargetingParameters? parameters,
        out TargetingError error)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        parameters = null;

        if (username.IsEmpty)
        {
            error = new TargetingError(UsernameParameter, "the username is empty");
            return false;
        }

        if (username.Length > MaxLength)
        {
            error = new TargetingError(UsernameParameter, $"the username is longer than {MaxLength} characters");
            return false;
        }

        foreach (char c in username)
        {
            if (char.IsControl(c))
            {
                error = new TargetingError(UsernameParameter, "control characters are not allowed");
                return false;
            }
        }

        int dash = username.IndexOf('-');
        ReadOnlySpan<char> accountSpan = dash < 0 ? username : username[..dash];
        if (accountSpan.IsEmpty)
        {
            error = new TargetingError("account", "the account name is missing");
            return false;
        }

        if (account is not null && !accountSpan.SequenceEqual(account))
        {
            throw new ArgumentException("The account does not match the username.", nameof(account));
        }

        UpstreamType? type = null;
        string? country = null, city = null, pool = null, sessionId = null;
        TimeSpan? ttl = null;
        var mode = SessionMode.Flex;
        bool geoVerified = false;
        string? state = null;
        uint? asn = null;
        bool? exclusive = null;
        string? banned = null;
        Seen seen = Seen.None;

        ReadOnlySpan<char> rest = dash < 0 ? [] : username[(dash + 1)..];
        bool expectMore = dash >= 0;
        bool afterSession = false; // the last value read was the session id, for a clearer "unknown parameter"
        while (expectMore)
        {
            ReadOnlySpan<char> key = NextSegment(ref rest, out bool moreAfterKey);
            if (key.IsEmpty)
            {
                error = new TargetingError(UsernameParameter, "empty parameter name (two '-' in a row or a trailing '-')");
                return false;
            }

            if (!TryClassifyKey(key, out Seen which, out string canonicalKey))
            {
                // "session-acct-42": the user meant the id "acct-42", not a parameter "42"; say so.
                error = afterSession && sessionId is not null
                    ? new TargetingError("session", $"the session id '{sessionId}-{key}' contains '-', which separates parameters (use letters, digits or '_')")
                    : new TargetingError(key.ToString(), "unknown parameter");
                return false;
            }

            if (!moreAfterKey)
            {
                error = new TargetingError(canonicalKey, "the value is missing");
                return false;
            }

            ReadOnlySpan<char> value = NextSegment(ref rest, out expectMore);
            if (value.IsEmpty)
            {
                error = new TargetingError(canonicalKey, "the value is missing");
                return false;
            }

            if ((seen & which) != 0)
            {
                error = new TargetingError(canonicalKey, "given more than once");
                return false;
            }

            seen |= which;
            afterSession = which == Seen.Session;
            switch (which)
            {
                case Seen.Type:
                    if (!TryParseType(value, out UpstreamType parsedType))
                    {
                        error = new TargetingError(canonicalKey, "expected residential, mobile, datacenter or isp");
                        return false;
                    }

                    type = parsedType;
                    break;
                case Seen.Country:
                    if (!IsoCountryCodes.TryNormalize(value, out country))
                    {
                        error = new TargetingError(canonicalKey, "expected an ISO 3166-1 alpha-2 country code");
                        return false;
                    }

                    break;
                case Seen.City:
                    if (!CityNames.TryNormalize(value, out string normalizedCity))
                    {
                        error = new TargetingError(canonicalKey, $"expected letters, digits and '_' for spaces (at most {CityNames.MaxLength})");
                        return false;
                    }

                    city = normalizedCity;

                    break;
                case Seen.Pool:
                    if (!TryLowerToken(value, allowDigits: true, out pool))
                    {
                        error = new TargetingError(canonicalKey, "expected letters, digits and '_'");
                        return false;
                    }

                    break;
                case Seen.Session:
                    if (value.Length > MaxSessionIdLength || !IsSessionId(value))
                    {
                        error = new TargetingError(canonicalKey, $"expected 1 to {MaxSessionIdLength} letters, digits or '_'");
                        return false;
                    }

                    sessionId = value.ToString();
                    break;
                case Seen.SessionTime:
                    int maxMinutes = Math.Max(1, (int)Math.Min(int.MaxValue, sessions.MaxTtl.TotalMinutes));
                    if (!TryParseMinutes(value, out int minutes) || minutes < 1 || minutes > maxMinutes)
                    {
                        error = new TargetingError(canonicalKey, $"expected whole minutes from 1 to {maxMinutes}");
                        return false;
                    }

                    ttl = TimeSpan.FromMinutes(minutes);
                    break;
                case Seen.SessionMode:
                    if (value.Equals("flex", StringComparison.OrdinalIgnoreCase))
                    {
                        mode = SessionMode.Flex;
                    }
                    else if (value.Equals("strict", StringComparison.OrdinalIgnoreCase))
                    {
                        mode = SessionMode.Strict;
                    }
                    else
                    {
                        error = new TargetingError(canonicalKey, "expected flex or strict");
                        return false;
                    }

                    break;
                case Seen.Geo:
                    if (!value.Equals("verified", StringComparison.OrdinalIgnoreCase))
                    {
                        error = new TargetingError(canonicalKey, "expected verified");
                        return false;
                    }

                    geoVerified = true;
                    break;
                case Seen.State:
                    if (value.Length is < 2 or > MaxStateLength || !TryLowerToken(value, allowDigits: false, out state))
                    {
                        error = new TargetingError(canonicalKey, $"expected 2 to {MaxStateLength} letters and '_' for spaces");
                        return false;
                    }

                    break;
                case Seen.Asn:
                    if (!TryParseAsn(value, out uint parsedAsn))
                    {
                        error = new TargetingError(canonicalKey, "expected an AS number from 1 to 4294967295 (digits only)");
                        return false;
                    }

                    asn = parsedAsn;
                    break;
                case Seen.Exclusive:
                    if (value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("1", StringComparison.Ordinal))
                    {
                        exclusive = true;
                    }
                    else if (value.Equals("off", StringComparison.OrdinalIgnoreCase) || value.Equals("0", StringComparison.Ordinal))
                    {
                        exclusive = false;
                    }
                    else
                    {
                        error = new TargetingError(canonicalKey, "expected on or off");
                        return false;
                    }

                    break;
                case Seen.Banned:
                    if (!IsBannedExit(value))
                    {
                        error = new TargetingError(canonicalKey, "expected an upstream id, an exit IP address, or session");
                        return false;
                    }

                    banned = value.Equals("session", StringComparison.OrdinalIgnoreCase) ? "session" : value.ToString();
                    break;
            }
        }

        if (sessionId is null && (seen & (Seen.SessionTime | Seen.SessionMode)) != 0)
        {
            error = new TargetingError((seen & Seen.SessionTime) != 0 ? "sesstime" : "sessmode", "needs a session parameter");
            return false;
        }

        if (sessionId is null && banned == "session")
        {
            error = new TargetingError("banned", "'session' needs a session parameter");
            return false;
        }

        if (sessionId is not null)
        {
            ttl ??= sessions.DefaultTtl;
        }

        parameters = new TargetingParameters
        {
            Account = account ?? accountSpan.ToString(),
            Type = type,
            Country = country,
            City = city,
            Pool = pool,
            SessionId = sessionId,
            SessionTtl = ttl,
            SessionMode = mode,
            GeoVerifiedOnly = geoVerified,
            State = state,
            Asn = asn,
            Exclusive = exclusive,
            BannedExit = banned,
        };
        error = default;
        return true;
    }

    /// <summary>The account part of a username (everything before the first <c>-</c>), without validating the rest.</summary>
    public static ReadOnlySpan<char> AccountOf(ReadOnlySpan<char> username)
    {
        int dash = username.IndexOf('-');
        return dash < 0 ? username : username[..dash];
    }

    /// <summary>
    /// Where the value of the username's first session key (<c>session</c>, <c>sessid</c>, <c>sessionid</c>) stands,
    /// found the way <see cref="TryParse(ReadOnlySpan{char}, SessionOptions, string?, out TargetingParameters?, out TargetingError)"/>
    /// walks key-value pairs, without validating anything else; false when there is none. Lets a cache of parsed
    /// usernames key on everything but the session id, which a client may change on every request.
    /// </summary>
    public static bool TryFindSessionId(ReadOnlySpan<char> username, out Range sessionId)
    {
        sessionId = default;
        int start = username.IndexOf('-') + 1;
        if (start == 0)
        {
            return false;
        }

        while (start < username.Length)
        {
            int keyLength = username[start..].IndexOf('-');
            if (keyLength < 0)
            {
                return false;
            }

            int valueStart = start + keyLength + 1;
            int valueLength = username[valueStart..].IndexOf('-');
            int valueEnd = valueLength < 0 ? username.Length : valueStart + valueLength;
            if (TryClassifyKey(username.Slice(start, keyLength), out Seen which, out _) && which == Seen.Session)
            {
                sessionId = valueStart..valueEnd;
                return true;
            }

            start = valueEnd + 1;
        }

        return false;
    }

    /// <summary>Whether <paramref name="value"/> is a valid session id: 1 to <see cref="MaxSessionIdLength"/> letters, digits or '_'.</summary>
    public static bool IsValidSessionId(ReadOnlySpan<char> value) => value.Length is > 0 and <= MaxSessionIdLength && IsSessionId(value);

    private static ReadOnlySpan<char> NextSegment(ref ReadOnlySpan<char> rest, out bool more)
    {
        int dash = rest.IndexOf('-');
        ReadOnlySpan<char> segment;
        if (dash < 0)
        {
            segment = rest;
            rest = [];
            more = false;
        }
        else
        {
            segment = rest[..dash];
            rest = rest[(dash + 1)..];
            more = true;
        }

        return segment;
    }

    private static bool TryClassifyKey(ReadOnlySpan<char> key, out Seen which, out string canonicalKey)
    {
        (which, canonicalKey) = key.Length switch
        {
            2 when key.Equals("cc", StringComparison.OrdinalIgnoreCase) => (Seen.Country, "country"),
            2 when key.Equals("st", StringComparison.OrdinalIgnoreCase) => (Seen.State, "state"),
            3 when key.Equals("asn", StringComparison.OrdinalIgnoreCase) => (Seen.Asn, "asn"),
            5 when key.Equals("state", StringComparison.OrdinalIgnoreCase) => (Seen.State, "state"),
            3 when key.Equals("ttl", StringComparison.OrdinalIgnoreCase) => (Seen.SessionTime, "sesstime"),
            3 when key.Equals("geo", StringComparison.OrdinalIgnoreCase) => (Seen.Geo, "geo"),
            4 when key.Equals("type", StringComparison.OrdinalIgnoreCase) => (Seen.Type, "type"),
            4 when key.Equals("city", StringComparison.OrdinalIgnoreCase) => (Seen.City, "city"),
            4 when key.Equals("pool", StringComparison.OrdinalIgnoreCase) => (Seen.Pool, "pool"),
            6 when key.Equals("sessid", StringComparison.OrdinalIgnoreCase) => (Seen.Session, "session"),
            7 when key.Equals("country", StringComparison.OrdinalIgnoreCase) => (Seen.Country, "country"),
            7 when key.Equals("session", StringComparison.OrdinalIgnoreCase) => (Seen.Session, "session"),
            8 when key.Equals("sesstime", StringComparison.OrdinalIgnoreCase) => (Seen.SessionTime, "sesstime"),
            8 when key.Equals("sessmode", StringComparison.OrdinalIgnoreCase) => (Seen.SessionMode, "sessmode"),
            9 when key.Equals("sessionid", StringComparison.OrdinalIgnoreCase) => (Seen.Session, "session"),
            15 when key.Equals("sessionduration", StringComparison.OrdinalIgnoreCase) => (Seen.SessionTime, "sesstime"),
            9 when key.Equals("exclusive", StringComparison.OrdinalIgnoreCase) => (Seen.Exclusive, "exclusive"),
            6 when key.Equals("banned", StringComparison.OrdinalIgnoreCase) => (Seen.Banned, "banned"),
            _ => (Seen.None, string.Empty),
        };
        return which != Seen.None;
    }

    private static bool TryParseType(ReadOnlySpan<char> value, out UpstreamType type)
    {
        if (value.Equals("residential", StringComparison.OrdinalIgnoreCase))
        {
            type = UpstreamType.Residential;
        }
        else if (value.Equals("mobile", StringComparison.OrdinalIgnoreCase))
        {
            type = UpstreamType.Mobile;
        }
        else if (value.Equals("datacenter", StringComparison.OrdinalIgnoreCase))
        {
            type = UpstreamType.Datacenter;
        }
        else if (value.Equals("isp", StringComparison.OrdinalIgnoreCase))
        {
            type = UpstreamType.Isp;
        }
        else
        {
            type = default;
            return false;
        }

        return true;
    }

    private static bool TryLowerToken(ReadOnlySpan<char> value, bool allowDigits, out string? token)
    {
        token = null;
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetter(c) || c == '_' || (allowDigits && char.IsAsciiDigit(c))))
            {
                return false;
            }
        }

        token = string.Create(value.Length, value, static (destination, source) => source.ToLowerInvariant(destination));
        return true;
    }

    /// <summary>An upstream id (1-19 digits), an IP address, or <c>session</c>.</summary>
    private static bool IsBannedExit(ReadOnlySpan<char> value)
    {
        if (value.Equals("session", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.IndexOfAnyExceptInRange('0', '9') < 0)
        {
            return value.Length <= 18;
        }

        return value.Length <= 45 && System.Net.IPAddress.TryParse(value, out _);
    }

    private static bool IsSessionId(ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseMinutes(ReadOnlySpan<char> value, out int minutes)
    {
        minutes = 0;
        if (value.Length > 9)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            minutes = (minutes * 10) + (c - '0');
        }

        return true;
    }

    private static bool TryParseAsn(ReadOnlySpan<char> value, out uint asn)
    {
        asn = 0;
        if (value.Length > 10)
        {
            return false;
        }

        ulong number = 0;
        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = (number * 10) + (ulong)(c - '0');
        }

        if (number is 0 or > uint.MaxValue)
        {
            return false;
        }

        asn = (uint)number;
        return true;
    }
}
