using System.Collections.Frozen;
using System.Net;

namespace ProxyRotator.Core.Policy;

/// <summary>
/// The registrable domain ("site") of a host name, the unit a ban applies to: <c>www.shop.example.co.uk</c> →
/// <c>example.co.uk</c>, <c>a.b.example.com</c> → <c>example.com</c>. A compact stand-in for the Public Suffix List:
/// the last label is the public suffix, except for the built-in list of common multi-label suffixes below
/// (country second-level domains such as <c>co.uk</c>, <c>com.au</c>, <c>co.jp</c>, and a few shared hosting suffixes
/// such as <c>github.io</c>). Limit: a suffix missing from the list makes its registered names look like one site
/// (<c>a.gov.xx</c> and <c>b.gov.xx</c> both become <c>gov.xx</c>), so a ban there covers more than one owner — the
/// safe direction for ban avoidance; three-label suffixes (<c>s3.us-east-1.amazonaws.com</c>) are not listed. IP literals and single-label names are their own site. Allocation-free: the
/// result is a slice of the input.
/// </summary>
public static class RegistrableDomain
{
    private static readonly System.Buffers.SearchValues<char> DigitsAndDots = System.Buffers.SearchValues.Create("0123456789.");

    /// <summary>Multi-label public suffixes (second-level registries and common shared hosts).</summary>
    private static readonly FrozenSet<string> MultiLabelSuffixes = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        // United Kingdom, Commonwealth and other country second-level registries.
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk", "nhs.uk", "police.uk", "sch.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz", "school.nz", "geek.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ad.jp", "ed.jp", "gr.jp", "lg.jp",
        "co.kr", "or.kr", "ne.kr", "go.kr", "ac.kr", "re.kr",
        "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn",
        "com.hk", "net.hk", "org.hk", "edu.hk", "gov.hk", "idv.hk",
        "com.tw", "net.tw", "org.tw", "edu.tw", "gov.tw", "idv.tw",
        "com.sg", "net.sg", "org.sg", "edu.sg", "gov.sg",
        "com.my", "net.my", "org.my", "edu.my", "gov.my",
        "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in", "ac.in", "edu.in", "gov.in", "res.in",
        "co.id", "or.id", "web.id", "ac.id", "go.id",
        "co.th", "in.th", "or.th", "ac.th", "go.th",
        "com.vn", "net.vn", "org.vn", "edu.vn", "gov.vn",
        "com.ph", "net.ph", "org.ph", "edu.ph", "gov.ph",
        "com.pk", "net.pk", "org.pk", "edu.pk", "gov.pk",
        "co.il", "org.il", "net.il", "ac.il", "gov.il",
        "com.tr", "net.tr", "org.tr", "edu.tr", "gov.tr", "gen.tr", "web.tr",
        "co.za", "org.za", "net.za", "gov.za", "ac.za", "web.za",
        "com.br", "net.br", "org.br", "gov.br", "edu.br", "art.br", "blog.br", "eco.br", "eti.br", "ind.br", "inf.br", "tv.br",
        "com.ar", "net.ar", "org.ar", "gob.ar", "edu.ar", "int.ar",
        "com.mx", "net.mx", "org.mx", "gob.mx", "edu.mx",
        "com.co", "net.co", "org.co", "gov.co", "edu.co", "nom.co",
        "com.pe", "net.pe", "org.pe", "gob.pe", "edu.pe",
        "com.ve", "net.ve", "org.ve", "gob.ve",
        "com.ec", "net.ec", "org.ec", "gob.ec",
        "com.uy", "net.uy", "org.uy", "gub.uy",
        "com.ua", "net.ua", "org.ua", "gov.ua", "in.ua", "kiev.ua",
        "com.ru", "net.ru", "org.ru", "msk.ru", "spb.ru",
        "com.pl", "net.pl", "org.pl", "gov.pl", "edu.pl", "waw.pl",
        "co.at", "or.at", "gv.at", "ac.at",
        "com.es", "nom.es", "org.es", "gob.es", "edu.es",
        "com.pt", "org.pt", "gov.pt", "edu.pt",
        "com.gr", "net.gr", "org.gr", "gov.gr", "edu.gr",
        "com.cy", "net.cy", "org.cy",
        "co.hu", "org.hu",
        "com.ro", "org.ro", "tm.ro", "nt.ro", "info.ro",
        "com.eg", "net.eg", "org.eg", "gov.eg", "edu.eg",
        "com.sa", "net.sa", "org.sa", "gov.sa", "edu.sa",
        "co.ae", "net.ae", "org.ae", "gov.ae", "ac.ae",
        "com.ng", "net.ng", "org.ng", "gov.ng", "edu.ng",
        "co.ke", "or.ke", "ne.ke", "go.ke", "ac.ke",
        "com.gh", "org.gh", "gov.gh", "edu.gh",
        "com.bd", "net.bd", "org.bd", "gov.bd", "edu.bd",
        "com.lk", "net.lk", "org.lk", "gov.lk", "edu.lk",
        "com.np", "net.np", "org.np", "gov.np", "edu.np",

        // Shared hosting where every customer is its own site.
        "github.io", "githubusercontent.com", "gitlab.io", "herokuapp.com", "appspot.com", "blogspot.com",
        "cloudfront.net", "azurewebsites.net", "web.app", "firebaseapp.com", "netlify.app", "vercel.app",
        "pages.dev", "workers.dev", "s3.amazonaws.com", "wordpress.com", "tumblr.com", "fly.dev", "onrender.com",
    ]);

    /// <summary>The registrable domain of <paramref name="host"/> (trailing dot and IPv6 brackets removed).</summary>
    public static ReadOnlySpan<char> Of(ReadOnlySpan<char> host)
    {
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            return host[1..^1];
        }

        host = host.TrimEnd('.');
        int last = host.LastIndexOf('.');
        if (last <= 0 || host.Contains(':') || IsIpV4Literal(host))
        {
            return host;
        }

        int second = host[..last].LastIndexOf('.');
        if (second < 0)
        {
            return host; // example.com
        }

        // A multi-label suffix takes one more label: the site is the label before it.
        ReadOnlySpan<char> lastTwo = host[(second + 1)..];
        int cut = second;
        if (MultiLabelSuffixes.GetAlternateLookup<ReadOnlySpan<char>>().Contains(lastTwo))
        {
            cut = host[..second].LastIndexOf('.');
            if (cut < 0)
            {
                return host; // co.uk itself, or example.co.uk
            }
        }

        return host[(cut + 1)..];
    }

    /// <summary>As <see cref="Of(ReadOnlySpan{char})"/>, lower case, as a string (for keys that outlive the request).</summary>
    public static string ToKey(ReadOnlySpan<char> host) => Of(host).ToString().ToLowerInvariant();

    private static bool IsIpV4Literal(ReadOnlySpan<char> host) =>
        host.IndexOfAnyExcept(DigitsAndDots) < 0 && IPAddress.TryParse(host, out _);
}
