using Microsoft.EntityFrameworkCore;
using ProxyRotator.Admin.Contracts;
using ProxyRotator.Core.Backconnect;
using ProxyRotator.Core.Configuration;
using ProxyRotator.Core.GeoIp;
using ProxyRotator.Core.Pool;
using ProxyRotator.Core.Targeting;
using ProxyRotator.Health.Lifecycle;
using ProxyRotator.Store;
using ProxyRotator.Store.Entities;
using ProxyRotator.Store.Sync;

namespace ProxyRotator.Admin.Queries;

/// <summary>
/// Reads and changes upstreams for the admin API. Status changes are the operator's actions, decided and applied by
/// the <see cref="UpstreamLifecycle"/> (runtime state at once, then the stored row); a change of membership (add,
/// retire, add again) also rebuilds the gateway's snapshot, a quarantine or revival does not need to.
/// </summary>
public sealed class UpstreamCatalog(
    IDbContextFactory<ProxyRotatorDbContext> contextFactory,
    IPoolSnapshotSource snapshots,
    UpstreamLifecycle lifecycle,
    TimeProvider timeProvider)
{
    /// <summary>Source value of upstreams added through the admin API.</summary>
    public const string AdminSource = "admin";

    public async Task<PageDto<UpstreamDto>> ListAsync(UpstreamFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            IQueryable<UpstreamEntity> query = db.Upstreams.AsNoTracking();
            if (filter.Pool is not null)
            {
                query = query.Where(u => u.Pool!.Name == filter.Pool);
            }

            if (filter.Statuses is null)
            {
                query = query.Where(u => u.Status != UpstreamStatus.Retired);
            }
            else
            {
                UpstreamStatus[] statuses = [.. filter.Statuses];
                query = query.Where(u => statuses.Contains(u.Status));
            }

            if (filter.Type is UpstreamType type)
            {
                query = query.Where(u => u.Type == type);
            }

            if (filter.Country is not null)
            {
                // Targeting matches the verified country where known, the declared one otherwise: so does the filter.
                query = query.Where(u => (u.VerifiedCountry ?? u.DeclaredCountry) == filter.Country);
            }

            int total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
            var rows = await query
                .OrderBy(u => u.Id)
                .Skip((filter.Page - 1) * filter.PageSize)
                .Take(filter.PageSize)
                .Select(u => new { Upstream = u, PoolName = u.Pool!.Name })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            PoolSnapshot snapshot = snapshots.Current;
            return new PageDto<UpstreamDto>(
                [.. rows.Select(r => UpstreamDtoMapper.WithCoverage(UpstreamDtoMapper.ToDto(r.Upstream, r.PoolName), snapshot, r.Upstream.Password))],
                filter.Page, filter.PageSize, total);
        }
    }

    public async Task<UpstreamDto?> GetAsync(long id, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Upstreams.AsNoTracking().Where(u => u.Id == id)
                .Select(u => new { Upstream = u, PoolName = u.Pool!.Name })
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return row is null
                ? null
                : UpstreamDtoMapper.WithCoverage(UpstreamDtoMapper.ToDto(row.Upstream, row.PoolName), snapshots.Current, row.Upstream.Password);
        }
    }

    public async Task<UpstreamAddResult> AddAsync(AddUpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!UpstreamEndpoint.TryParse(request.Url, out UpstreamEndpoint? endpoint, out string? urlError))
        {
            return new UpstreamAddResult(null, new AdminInputError("url", urlError!));
        }

        if (string.IsNullOrWhiteSpace(request.Pool))
        {
            return new UpstreamAddResult(null, new AdminInputError("pool", "is required"));
        }

        UpstreamType? type = null;
        if (!string.IsNullOrWhiteSpace(request.Type))
        {
            if (!UpstreamFilterParser.TryParseEnum(request.Type, out UpstreamType parsedType))
            {
                return new UpstreamAddResult(null, new AdminInputError("type", $"unknown type '{request.Type}' (residential, mobile, datacenter, isp)"));
            }

            type = parsedType;
        }

        // The one normalisers: "UK" is stored as GB, so -country-uk reaches it before GeoIP has verified it.
        if (!IsoCountryCodes.TryNormalizeOptional(request.Country, out string? country))
        {
            return new UpstreamAddResult(null, new AdminInputError("country", $"'{request.Country}' is not an ISO 3166-1 alpha-2 code"));
        }

        if (!CityNames.TryNormalizeOptional(request.City, out string? city))
        {
            return new UpstreamAddResult(null, new AdminInputError("city", $"'{request.City}' is not a city name (letters, digits, spaces, '-' and '_', at most {CityNames.MaxLength})"));
        }

        if (ReadBackconnect(request, endpoint!, type, country, city, out AdminInputError? backconnectError) is var backconnect && backconnectError is not null)
        {
            return new UpstreamAddResult(null, backconnectError);
        }

        if (request.CostPerGb is < 0 or > BackconnectEntryParser.MaxCost || request.CostPerRequest is < 0 or > BackconnectEntryParser.MaxCost)
        {
            return new UpstreamAddResult(null, new AdminInputError(request.CostPerGb is < 0 or > BackconnectEntryParser.MaxCost ? "costPerGb" : "costPerRequest",
                $"must be between 0 and {BackconnectEntryParser.MaxCost}"));
        }

        DateTimeOffset now = timeProvider.GetUtcNow();

        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            PoolEntity? pool = await db.Pools.SingleOrDefaultAsync(p => p.Name == request.Pool, cancellationToken).ConfigureAwait(false);
            if (pool is null)
            {
                return new UpstreamAddResult(null, new AdminInputError("pool", $"unknown pool '{request.Pool}'"));
            }

            string key = backconnect is null ? endpoint!.Address : new DiscoveredUpstream(endpoint!) { Backconnect = backconnect }.AddressKey;
            UpstreamEntity? upstream = await db.Upstreams.SingleOrDefaultAsync(u => u.PoolId == pool.Id && u.AddressKey == key, cancellationToken)
                .ConfigureAwait(false);
            bool revived = false;
            if (upstream is not null && upstream.Status != UpstreamStatus.Retired)
            {
                return new UpstreamAddResult(UpstreamDtoMapper.ToDto(upstream, pool.Name), null, Conflict: true);
            }

            if (upstream is null)
            {
                upstream = new UpstreamEntity
                {
                    Pool = pool,
                    Scheme = endpoint!.Scheme,
                    Host = endpoint.Host,
                    Port = endpoint.Port,
                    AddressKey = key,
                    Source = AdminSource,
                    CreatedAt = now,
                    NextCheckAt = now,
                };
                upstream.InitializeStatus(UpstreamStatus.Pending, "added by operator", now);
                db.Upstreams.Add(upstream);
            }
            else
            {
                lifecycle.Commit(upstream, lifecycle.ApplyOperator(upstream.ToHealthState(), OperatorAction.Revive, now));
                upstream.Source = AdminSource;
                upstream.NextCheckAt = now;
                revived = true;
            }

            upstream.Username = endpoint!.Username;
            upstream.Password = endpoint.Password;
            upstream.Type = type ?? pool.Type;
            upstream.DeclaredCountry = country;
            upstream.City = city;
            upstream.Dialect = backconnect?.DialectName;
            upstream.DialectTemplate = backconnect?.Template is { } template ? BackconnectUpstream.SerializeTemplate(template) : null;
            upstream.Countries = backconnect?.Countries.ToString();
            upstream.CostPerGb = request.CostPerGb;
            upstream.CostPerRequest = request.CostPerRequest;
            upstream.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await snapshots.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return new UpstreamAddResult(UpstreamDtoMapper.ToDto(upstream, pool.Name), null, Revived: revived);
        }
    }

    /// <summary>
    /// Retires one upstream (kept for history). Null when the id is unknown; retiring twice is harmless. A health pass
    /// that writes the same row meanwhile does not undo it: the save that loses on the concurrency token reads again.
    /// </summary>
    public Task<UpstreamDto?> RetireAsync(long id, CancellationToken cancellationToken) =>
        ApplyOperatorAsync(id, OperatorAction.Retire, cancellationToken);

    /// <summary>
    /// Applies an operator's action through the lifecycle: the runtime state changes at once (the selector sees a
    /// quarantine or a revival on its next pick), the row and its transition are saved, and the snapshot is rebuilt
    /// only when membership changed (into or out of retired). Null when the id is unknown; a no-op action is harmless.
    /// </summary>
    public Task<UpstreamDto?> ApplyOperatorAsync(long id, OperatorAction action, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RetryAsync(ct => ApplyOperatorOnceAsync(id, action, ct), cancellationToken);

    private async Task<UpstreamDto?> ApplyOperatorOnceAsync(long id, OperatorAction action, CancellationToken cancellationToken)
    {
        ProxyRotatorDbContext db = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            UpstreamEntity? upstream = await db.Upstreams.Include(u => u.Pool).SingleOrDefaultAsync(u => u.Id == id, cancellationToken)
                .ConfigureAwait(false);
            if (upstream is null)
            {
                return null;
            }

            UpstreamStatus before = upstream.Status;
            if (lifecycle.Commit(upstream, lifecycle.ApplyOperator(upstream.ToHealthState(), action, timeProvider.GetUtcNow())))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                if (before == UpstreamStatus.Retired || upstream.Status == UpstreamStatus.Retired)
                {
                    await snapshots.RefreshAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return UpstreamDtoMapper.ToDto(upstream, upstream.Pool!.Name);
        }
    }

    /// <summary>The backconnect part of an add (null for a static upstream), or the field that is wrong.</summary>
    private static BackconnectOptions? ReadBackconnect(
        AddUpstreamRequest request, UpstreamEndpoint endpoint, UpstreamType? type, string? country, string? city, out AdminInputError? error)
    {
        error = null;
        string kind = string.IsNullOrWhiteSpace(request.Kind) ? "static" : request.Kind.Trim().ToLowerInvariant();
        if (kind == "static")
        {
            if (request.Dialect is not null || request.Countries is not null || request.Template is not null)
            {
                error = new AdminInputError(
                    request.Dialect is not null ? "dialect" : request.Countries is not null ? "countries" : "template", "only for \"kind\": \"backconnect\"");
            }

            return null;
        }

        if (kind != "backconnect")
        {
            error = new AdminInputError("kind", $"unknown kind '{request.Kind}' (static or backconnect)");
            return null;
        }

        if (country is not null || city is not null)
        {
            error = new AdminInputError(country is not null ? "country" : "city", "a backconnect upstream serves several countries: list them in countries");
            return null;
        }

        TemplateDialectOptions? template = null;
        IBackconnectDialect? dialect;
        if (request.Dialect == BackconnectDialectNames.Template)
        {
            if (!TryReadTemplate(request.Template, out template, out TemplateDialect? compiled, out error))
            {
                return null;
            }

            dialect = compiled!;
        }
        else if (request.Template is not null)
        {
            error = new AdminInputError("template", "only for \"dialect\": \"template\"");
            return null;
        }
        else if (request.Dialect is null || !BackconnectDialectRegistry.BuiltIn.TryGet(request.Dialect, out dialect) || dialect.Name != request.Dialect)
        {
            error = new AdminInputError("dialect", $"expected one of {string.Join(", ", BackconnectDialectRegistry.BuiltIn.Names)} or template");
            return null;
        }

        CountryCoverage countries = CountryCoverage.All;
        if (request.Countries is { Count: > 0 } listed && !(listed.Count == 1 && listed[0] == "*"))
        {
            var codes = new List<string>(listed.Count);
            foreach (string code in listed)
            {
                if (!IsoCountryCodes.TryNormalize(code, out string? normalized))
                {
                    error = new AdminInputError("countries", $"'{code}' is not an ISO 3166-1 alpha-2 code");
                    return null;
                }

                codes.Add(normalized!);
            }

            countries = CountryCoverage.Of(codes.Distinct(StringComparer.Ordinal));
        }

        if (BackconnectUpstream.CheckBaseCredentials(dialect, endpoint, type ?? UpstreamType.Residential) is { } refusal)
        {
            error = new AdminInputError("url", $"the {dialect.Name} dialect cannot use these credentials: {refusal.Message}");
            return null;
        }

        return new BackconnectOptions { DialectName = dialect.Name, Dialect = dialect, Template = template, Countries = countries };
    }

    /// <summary>The template fields, checked and compiled as the configuration file's are; the error names the field.</summary>
    private static bool TryReadTemplate(TemplateDialectRequest? request, out TemplateDialectOptions? options, out TemplateDialect? dialect, out AdminInputError? error)
    {
        options = null;
        dialect = null;
        if (request is null)
        {
            error = new AdminInputError("template", "is required for \"dialect\": \"template\"");
            return false;
        }

        var template = new TemplateDialectOptions();
        if (!TryEnum(request.CountryCase, "template.countryCase", ["lower", "upper"], template.CountryCase, out TemplateCase countryCase, out error)
            || !TryEnum(request.ValueCase, "template.valueCase", ["lower", "upper"], template.ValueCase, out TemplateCase valueCase, out error)
            || !TryEnum(request.TtlUnit, "template.ttlUnit", ["seconds", "minutes", "hours", "suffixed"], template.TtlUnit, out TemplateTtlUnit ttlUnit, out error)
            || !TryEnum(request.SessionCharset, "template.sessionCharset", ["lower-alphanumeric", "alphanumeric", "hex", "digits"], template.SessionCharset, out VendorSessionIdCharset charset, out error))
        {
            return false;
        }

        if (request.MaxTtlSeconds is < 1 or > 365 * 86400)
        {
            error = new AdminInputError("template.maxTtlSeconds", "must be between 1 and 31536000");
            return false;
        }

        template.Username = request.Username ?? template.Username;
        template.Password = request.Password ?? template.Password;
        template.CountryCase = countryCase;
        template.ValueCase = valueCase;
        template.Separator = request.Separator ?? template.Separator;
        template.TtlUnit = ttlUnit;
        template.MaxTtl = request.MaxTtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        template.SessionLength = request.SessionLength ?? template.SessionLength;
        template.SessionCharset = charset;
        if (!TemplateDialect.TryCreate(template, out dialect, out string? reason))
        {
            // TryCreate's reasons start with the field they are about ("the username template ...", "separator ...").
            string field = reason!.StartsWith("the username", StringComparison.Ordinal) ? "template.username"
                : reason.StartsWith("the password", StringComparison.Ordinal) ? "template.password"
                : reason.StartsWith("separator", StringComparison.Ordinal) ? "template.separator"
                : reason.StartsWith("sessionLength", StringComparison.Ordinal) ? "template.sessionLength"
                : "template";
            error = new AdminInputError(field, reason);
            return false;
        }

        options = template;
        error = null;
        return true;
    }

    private static bool TryEnum<TEnum>(string? text, string field, string[] names, TEnum fallback, out TEnum value, out AdminInputError? error)
        where TEnum : struct, Enum
    {
        error = null;
        value = fallback;
        if (text is null)
        {
            return true;
        }

        int index = Array.IndexOf(names, text);
        if (index < 0)
        {
            error = new AdminInputError(field, $"'{text}' is not one of {string.Join(", ", names)}");
            return false;
        }

        value = (TEnum)Enum.ToObject(typeof(TEnum), index);
        return true;
    }
}
