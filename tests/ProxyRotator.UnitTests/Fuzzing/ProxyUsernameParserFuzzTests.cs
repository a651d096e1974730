using CsCheck;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Gateway.Security;

namespace ProxyRotator.UnitTests.Fuzzing;

/// <summary>
/// Properties of the username grammar over generated usernames (grammar tokens joined by '-', with random
/// characters mixed in): it never throws, a refusal names a parameter and a reason, and an accepted username's
/// values are already in the one normal form the pool is indexed by.
/// </summary>
public sealed class ProxyUsernameParserFuzzTests
{
    private static readonly string[] Tokens =
    [
        "scraper", "type", "residential", "MOBILE", "isp", "country", "cc", "uk", "de", "XK", "xx", "city", "sao_paulo", "São_Paulo", "new york",
        "st.louis", "pool", "res_eu", "session", "sessid", "sessionid", "acct42", "sesstime", "ttl", "sessionduration", "60", "0", "1441",
        "999999999", "sessmode", "flex", "strict", "geo", "verified", "", "_", ".", "\u00DF", "\u0000", "\r\n", "\uD800", new('a', 70),
    ];

    private static readonly Gen<string> Usernames = Gen.Select(
        Gen.Frequency((6, Gen.OneOf(Tokens)), (1, Gen.String[0, 6]), (1, Gen.Char.Select(c => c.ToString()))).Array[0, 12],
        Gen.OneOf("-", "-", "-", "-", "--", "_", " "),
        (parts, separator) => string.Join(separator, parts));

    private static readonly SessionOptions Sessions = new();

    [Fact]
    public void TryParse_GeneratedUsernames_NeverThrowsAndNormalises() =>
        FuzzBudget.Sample(Usernames, username =>
        {
            if (!ProxyUsernameParser.TryParse(username, Sessions, out TargetingParameters? parameters, out TargetingError error))
            {
                Assert.Null(parameters);
                Assert.False(string.IsNullOrEmpty(error.Parameter));
                Assert.False(string.IsNullOrEmpty(error.Message));
                return;
            }

            Assert.NotNull(parameters);
            Assert.Equal(ProxyUsernameParser.AccountOf(username).ToString(), parameters.Account);
            if (parameters.Country is { } country)
            {
                Assert.True(IsoCountryCodes.TryNormalize(country, out string? again) && again == country, country);
            }

            if (parameters.City is { } city)
            {
                Assert.True(CityNames.TryNormalize(city, out string again) && again == city, city);
            }

            if (parameters.SessionTtl is { } ttl)
            {
                Assert.InRange(ttl, TimeSpan.FromMinutes(1), Sessions.MaxTtl);
            }
        }, iterations: 30_000, print: u => System.Text.Json.JsonSerializer.Serialize(u));

    /// <summary>
    /// The targeting cache keys on a username less its session id: whatever it answers for a username must be what the
    /// parser makes of that username, for every username cached before it (valid ones only, as the authenticator adds).
    /// Half the usernames asked are a cached one with its session id replaced (by a token, random text or nothing).
    /// </summary>
    [Fact]
    public void TargetingCacheTryGet_GeneratedUsernamesAfterCachedOnes_AgreesWithTheParser() =>
        FuzzBudget.Sample(
            Gen.Select(Usernames.Array[1, 6], Usernames, Gen.Frequency((3, Gen.OneOf(Tokens)), (1, Gen.String[0, 8])), Gen.Bool),
            input =>
            {
                (string[] cached, string other, string id, bool variant) = input;
                var cache = new TargetingCache();
                foreach (string username in cached)
                {
                    if (ProxyUsernameParser.TryParse(username, Sessions, out TargetingParameters? parsed, out _))
                    {
                        cache.Add(username, parsed!);
                    }
                }

                string asked = variant && ProxyUsernameParser.TryFindSessionId(cached[0], out Range range)
                    ? string.Concat(cached[0].AsSpan(0, range.Start.Value), id, cached[0].AsSpan(range.End.Value))
                    : other;
                if (cache.TryGet(asked, out TargetingParameters? fromCache))
                {
                    Assert.True(ProxyUsernameParser.TryParse(asked, Sessions, out TargetingParameters? fromParser, out TargetingError error), error.ToString());
                    Assert.Equal(fromParser, fromCache);
                }
            },
            iterations: 30_000,
            print: input => System.Text.Json.JsonSerializer.Serialize(new { input.Item1, input.Item2, input.Item3, input.Item4 }));
}
