using System.Data.Common;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using ProxyRotator.Core.GeoIp;

namespace ProxyRotator.Core.Configuration;

/// <summary>
/// Turns the parsed JSON document into a <see cref="ProxyRotatorConfig"/>, section by section, then checks the
/// rules that span sections (users' pools exist, listeners do not collide, timeout &lt; interval, ...).
/// </summary>
internal static class ConfigDocumentParser
{
    public static ProxyRotatorConfig Parse(JsonElement root, ConfigReadContext context)
    {
        var config = new ProxyRotatorConfig();
        JsonObjectReader? reader = JsonObjectReader.Open(root, "$", context);
        if (reader is null)
        {
            return config;
        }

        reader.Allow("$schema"); // editors add it; it means nothing to us

        if (reader.String("database") is { } database)
        {
            config.Database = ResolveDatabase(database, reader.PathOf("database"), context);
        }

        if (reader.Object("gateway") is { } gateway)
        {
            ReadGateway(gateway, config.Gateway);
        }

        if (reader.Object("admin") is { } admin)
        {
            ReadAdmin(admin, config.Admin);
        }
        else if (!reader.TryGet("admin", out _))
        {
            context.Error("admin.apiKey", "is required (the admin API needs a key of at least 16 characters; use \"${PROXYROTATOR_API_KEY}\")");
        }

        config.Pools = PoolsParser.Read(reader);
        config.Users = ReadUsers(reader, config.Pools.Select(p => p.Name).ToHashSet(StringComparer.Ordinal));

        if (reader.Object("geoip") is { } geoip)
        {
            ReadGeoIp(geoip, config.GeoIp);
        }

        if (reader.Object("healthCheck") is { } healthCheck)
        {
            ReadHealthCheck(healthCheck, config.HealthCheck);
        }

        if (reader.Object("sessions") is { } sessions)
        {
            ReadSessions(sessions, config.Sessions);
        }

        if (reader.Object("accessLog") is { } accessLog)
        {
            ObservabilityParser.ReadAccessLog(accessLog, config.AccessLog);
        }

        if (reader.Object("tracing") is { } tracing)
        {
            ObservabilityParser.ReadTracing(tracing, config.Tracing);
        }

        if (reader.Object("policy") is { } policy)
        {
            PolicyParser.Read(policy, config.Policy);
        }

        reader.RejectUnknownFields();
        CheckListenersDoNotCollide(config, context);
        return config;
    }

    /// <summary>
    /// A bare file name means a SQLite file; a relative SQLite <c>Data Source</c> is made absolute against the
    /// configuration's directory, so the database does not depend on where the command was started. A
    /// <c>postgres://</c> / <c>postgresql://</c> URL or a <c>Host=…</c> connection string (PostgreSQL) passes
    /// through; the store reads it. Error messages never repeat the value (it may hold a password).
    /// </summary>
    private static string ResolveDatabase(string value, string path, ConfigReadContext context)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            context.Error(path, "must not be empty (e.g. \"Data Source=proxyrotator.db\")");
            return value;
        }

        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? url) || string.IsNullOrEmpty(url.Host))
            {
                context.Error(path, "is not a valid PostgreSQL URL (e.g. \"postgres://user:password@db.example:5432/proxyrotator\")");
            }

            return value;
        }

        if (!value.Contains('=', StringComparison.Ordinal))
        {
            value = "Data Source=" + value;
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = value;
        }
        catch (ArgumentException)
        {
            context.Error(path, "is not a valid connection string (e.g. \"Data Source=proxyrotator.db\")");
            return value;
        }

        string? key = new[] { "Data Source", "DataSource", "Filename" }.FirstOrDefault(builder.ContainsKey);
        if (key is null || builder[key] is not string file || file.Length == 0 || file == ":memory:"
            || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || (builder.TryGetValue("Mode", out object? mode) && string.Equals(mode as string, "Memory", StringComparison.OrdinalIgnoreCase)))
        {
            return value;
        }

        // A missing folder is not an error: the migrator creates it (e.g. a fresh volume's sub-folder).
        if (!context.TryResolvePath(file, out string fullPath))
        {
            context.Error(path, "the database file is not a file path");
            return value;
        }

        // DbConnectionStringBuilder lower-cases keys; rebuild with the file first under its usual name.
        var resolved = new StringBuilder();
        DbConnectionStringBuilder.AppendKeyValuePair(resolved, "Data Source", fullPath);
        foreach (string other in builder.Keys.Cast<string>().Where(k => !string.Equals(k, key, StringComparison.OrdinalIgnoreCase)))
        {
            DbConnectionStringBuilder.AppendKeyValuePair(resolved, other, Convert.ToString(builder[other], System.Globalization.CultureInfo.InvariantCulture));
        }

        return resolved.ToString();
    }

    private static void ReadGateway(JsonObjectReader reader, GatewayOptions gateway)
    {
        ConfigReadContext context = reader.Context;
        if (reader.TryGet("listen", out JsonElement listen))
        {
            string path = reader.PathOf("listen");
            List<(JsonElement Element, string Path)> items = listen.ValueKind == JsonValueKind.Array
                ? reader.Array("listen").ToList()
                : [(listen, path)];
            if (items.Count == 0)
            {
                context.Error(path, "must name at least one 'host:port'");
            }

            var addresses = new List<string>();
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach ((JsonElement element, string itemPath) in items)
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    context.Error(itemPath, $"must be a 'host:port' string or an array of them, not {ConfigReadContext.Describe(element)}");
                    continue;
                }

                if (ReadListen(context, element, itemPath) is not { } address)
                {
                    continue;
                }

                if (!seen.TryAdd(address.ToString(), itemPath))
                {
                    context.Error(itemPath, $"'{address}' is listed twice (also {seen[address.ToString()]})");
                    continue;
                }

                addresses.Add(address.ToString());
            }

            gateway.Listen = addresses;
        }

        gateway.ConnectTimeout = reader.Duration("connectTimeout", ConfigLimits.MinConnectTimeout, ConfigLimits.MaxConnectTimeout) ?? gateway.ConnectTimeout;
        gateway.ResponseTimeout = reader.Duration("responseTimeout", ConfigLimits.MinResponseTimeout, ConfigLimits.MaxResponseTimeout) ?? gateway.ResponseTimeout;
        gateway.HeaderTimeout = reader.Duration("headerTimeout", ConfigLimits.MinHeaderTimeout, ConfigLimits.MaxHeaderTimeout) ?? gateway.HeaderTimeout;
        gateway.IdleTimeout = reader.Duration("idleTimeout", ConfigLimits.MinIdleTimeout, ConfigLimits.MaxIdleTimeout) ?? gateway.IdleTimeout;
        gateway.MaxHeaderBytes = reader.Int("maxHeaderBytes", ConfigLimits.MinHeaderBytes, ConfigLimits.MaxHeaderBytes) ?? gateway.MaxHeaderBytes;
        gateway.MaxConnections = reader.Int("maxConnections", 1, ConfigLimits.MaxConnections) ?? gateway.MaxConnections;
        gateway.MaxAttempts = reader.Int("maxAttempts", 1, ConfigLimits.MaxAttempts) ?? gateway.MaxAttempts;
        gateway.AllowPrivateTargets = reader.Bool("allowPrivateTargets") ?? gateway.AllowPrivateTargets;
        if (reader.TryGet("allowedTargets", out _))
        {
            gateway.AllowedTargets = ReadAllowedTargets(reader);
        }

        gateway.ExposeUpstreamHeaders = reader.Bool("exposeUpstreamHeaders") ?? gateway.ExposeUpstreamHeaders;
        gateway.HttpRelay = reader.Bool("httpRelay") ?? gateway.HttpRelay;
        gateway.AuthFailuresPerMinute = reader.Int("authFailuresPerMinute", 0, ConfigLimits.MaxAuthFailuresPerMinute) ?? gateway.AuthFailuresPerMinute;
        gateway.AuthCooldown = reader.Duration("authCooldown", ConfigLimits.MinAuthCooldown, ConfigLimits.MaxAuthCooldown) ?? gateway.AuthCooldown;
        if (reader.Object("tls") is { } tls)
        {
            gateway.Tls = ReadGatewayTls(tls);
        }

        reader.RejectUnknownFields();
    }

    /// <summary><c>gateway.tls</c>: both PEM files must exist and load as a certificate with its private key.</summary>
    private static GatewayTlsOptions? ReadGatewayTls(JsonObjectReader reader)
    {
        string? certificate = ReadExistingFile(reader, "certificate");
        string? key = ReadExistingFile(reader, "key");
        bool plaintextAuth = reader.Bool("plaintextAuth") ?? true;
        reader.RejectUnknownFields();
        if (certificate is null || key is null)
        {
            return null;
        }

        if (!GatewayCertificateFiles.TryLoad(certificate, key, out X509Certificate2Collection? loaded, out string? error))
        {
            reader.Context.Error(reader.PathOf("certificate"), error!);
            return null;
        }

        foreach (X509Certificate2 item in loaded)
        {
            item.Dispose();
        }

        return new GatewayTlsOptions { CertificatePath = certificate, KeyPath = key, PlaintextAuth = plaintextAuth };
    }

    private static string? ReadExistingFile(JsonObjectReader reader, string name)
    {
        string? file = reader.String(name, required: true);
        if (file is null)
        {
            return null;
        }

        string path = reader.PathOf(name);
        if (string.IsNullOrWhiteSpace(file) || !reader.Context.TryResolvePath(file, out string fullPath))
        {
            reader.Context.Error(path, "is not a file path");
            return null;
        }

        if (!File.Exists(fullPath))
        {
            reader.Context.Error(path, $"the file '{fullPath}' does not exist");
            return null;
        }

        return fullPath;
    }

    /// <summary>Addresses (<c>169.254.169.254</c>), networks (<c>10.0.0.0/8</c>) or host names allowed as targets.</summary>
    private static List<string> ReadAllowedTargets(JsonObjectReader reader)
    {
        var targets = new List<string>();
        foreach ((JsonElement element, string path) in reader.Array("allowedTargets"))
        {
            string? target = reader.Context.ReadString(element, path);
            if (target is null)
            {
                continue;
            }

            bool valid = target.Contains('/', StringComparison.Ordinal)
                ? IPNetwork.TryParse(target, out _)
                : IPAddress.TryParse(target, out _) || Uri.CheckHostName(target) == UriHostNameType.Dns;
            if (!valid)
            {
                reader.Context.Error(path, $"'{target}' is not an IP address, a network 'address/prefix' or a host name");
                continue;
            }

            targets.Add(target);
        }

        return targets;
    }

    private static ListenAddress? ReadListen(ConfigReadContext context, JsonElement element, string path)
    {
        string? text = context.ReadString(element, path);
        if (text is null)
        {
            return null;
        }

        if (!ListenAddress.TryParse(text, allowAnyPort: false, out ListenAddress? address, out string? error))
        {
            context.Error(path, error!);
            return null;
        }

        return address;
    }

    private static void ReadAdmin(JsonObjectReader reader, AdminOptions admin)
    {
        ConfigReadContext context = reader.Context;
        if (reader.TryGet("listen", out JsonElement listen) && ReadListen(context, listen, reader.PathOf("listen")) is { } address)
        {
            admin.Listen = address.ToString();
        }

        string? apiKey = reader.String("apiKey", required: true);
        if (apiKey is not null)
        {
            string path = reader.PathOf("apiKey");
            string substituted = ComesFromEnvironment(reader, "apiKey") ? " after substituting environment variables" : string.Empty;
            if (apiKey.Length == 0)
            {
                context.Error(path, $"is empty{substituted}; the admin API needs a key of at least {ConfigLimits.MinApiKeyLength} characters");
            }
            else if (apiKey.Trim().Length < ConfigLimits.MinApiKeyLength)
            {
                context.Error(path, $"is too short{substituted}: use at least {ConfigLimits.MinApiKeyLength} characters (e.g. `openssl rand -hex 24`)");
            }
            else if (apiKey.Any(char.IsControl))
            {
                context.Error(path, "must not contain control characters (it travels in an HTTP header)");
            }

            admin.ApiKey = apiKey;
        }

        admin.ProtectMetricsAndDashboard = reader.Bool("protectMetricsAndDashboard") ?? false;
        reader.RejectUnknownFields();
    }

    private static List<UserOptions> ReadUsers(JsonObjectReader root, HashSet<string> poolNames)
    {
        ConfigReadContext context = root.Context;
        var users = new List<UserOptions>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((JsonElement element, string path) in root.Array("users"))
        {
            if (JsonObjectReader.Open(element, path, context) is not { } reader)
            {
                continue;
            }

            var user = new UserOptions();
            if (reader.String("name", required: true) is { } name)
            {
                string namePath = reader.PathOf("name");
                if (name.Length == 0)
                {
                    context.Error(namePath, "must not be empty");
                }
                else if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
                {
                    context.Error(namePath, $"'{name}' must be 1-64 letters, digits, '_' or '.' ('-' starts targeting parameters in the username)");
                }
                else if (!names.TryAdd(name, path))
                {
                    context.Error(namePath, $"duplicate user name '{name}' (also {names[name]})");
                }

                user.Name = name;
            }

            if (reader.String("password", required: true) is { } password)
            {
                string passwordPath = reader.PathOf("password");
                if (password.Length == 0)
                {
                    string substituted = ComesFromEnvironment(reader, "password") ? " after substituting environment variables" : string.Empty;
                    context.Error(passwordPath, $"is empty{substituted}; every account needs a password");
                }
                else if (password.Any(c => c is '\r' or '\n' or '\0'))
                {
                    context.Error(passwordPath, "must not contain CR, LF or NUL");
                }
                else if (Encoding.UTF8.GetByteCount(password) > ConfigLimits.MaxCredentialBytes)
                {
                    context.Error(passwordPath, $"is longer than {ConfigLimits.MaxCredentialBytes} bytes (the SOCKS5 limit, RFC 1929)");
                }

                user.Password = password;
            }

            if (reader.TryGet("pools", out _))
            {
                string poolsPath = reader.PathOf("pools");
                var pools = new List<string>();
                foreach ((JsonElement poolElement, string poolPath) in reader.Array("pools"))
                {
                    string? pool = context.ReadString(poolElement, poolPath);
                    if (pool is null)
                    {
                        continue;
                    }

                    if (pool != "*" && !poolNames.Contains(pool))
                    {
                        context.Error(poolPath, poolNames.Count == 0
                            ? $"unknown pool '{pool}' (no pools are defined)"
                            : $"unknown pool '{pool}' (pools: {string.Join(", ", poolNames.Order(StringComparer.Ordinal))}; \"*\" for all)");
                        continue;
                    }

                    pools.Add(pool);
                }

                if (pools.Count == 0 && reader.TryGet("pools", out JsonElement list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 0)
                {
                    context.Error(poolsPath, "must list at least one pool, or \"*\" for all");
                }

                user.Pools = pools;
            }

            user.Outbound = PolicyParser.ReadOutbound(reader, "outbound") ?? user.Outbound;
            reader.RejectUnknownFields();
            users.Add(user);
        }

        return users;
    }

    private static void ReadGeoIp(JsonObjectReader reader, GeoIpOptions geoIp)
    {
        geoIp.CountryDb = ReadDatabaseFile(reader, "countryDb", GeoIpDatabaseKinds.AnswersCountry, "a Country or City database");
        geoIp.ConnectionTypeDb = ReadDatabaseFile(reader, "connectionTypeDb", kind => kind == GeoIpDatabaseKind.ConnectionType, "a Connection-Type database");
        reader.RejectUnknownFields();
    }

    /// <summary>An empty string means "not configured", so <c>"${GEOIP_DB:-}"</c> works.</summary>
    private static string? ReadDatabaseFile(JsonObjectReader reader, string name, Func<GeoIpDatabaseKind, bool> accepts, string expected)
    {
        string? file = reader.String(name);
        if (string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        string path = reader.PathOf(name);
        if (!reader.Context.TryResolvePath(file, out string fullPath))
        {
            reader.Context.Error(path, "is not a file path");
            return null;
        }

        if (!File.Exists(fullPath))
        {
            reader.Context.Error(path, $"the file '{fullPath}' does not exist");
            return fullPath;
        }

        if (!GeoIpDatabaseKinds.TryProbe(fullPath, out string? databaseType, out string? error))
        {
            reader.Context.Error(path, error!);
        }
        else if (!accepts(GeoIpDatabaseKinds.FromDatabaseType(databaseType)))
        {
            reader.Context.Error(path, $"'{fullPath}' is a '{databaseType}' database, not {expected}");
        }

        return fullPath;
    }

    private static void ReadHealthCheck(JsonObjectReader reader, HealthCheckOptions health)
    {
        ConfigReadContext context = reader.Context;
        if (reader.String("url") is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                context.Error(reader.PathOf("url"), $"'{url}' is not an absolute http:// or https:// URL");
            }

            health.Url = url;
        }

        TimeSpan? interval = reader.Duration("interval", ConfigLimits.MinHealthInterval, ConfigLimits.MaxHealthInterval);
        TimeSpan? timeout = reader.Duration("timeout", ConfigLimits.MinHealthTimeout, ConfigLimits.MaxHealthTimeout);
        health.Interval = interval ?? health.Interval;
        health.Timeout = timeout ?? health.Timeout;
        if ((interval is not null || timeout is not null) && health.Timeout >= health.Interval)
        {
            context.Error(reader.PathOf(timeout is not null ? "timeout" : "interval"),
                $"healthCheck.timeout ({DurationParser.Format(health.Timeout)}) must be shorter than healthCheck.interval ({DurationParser.Format(health.Interval)})");
        }

        health.Concurrency = reader.Int("concurrency", 1, ConfigLimits.MaxHealthConcurrency) ?? health.Concurrency;
        health.QuarantineAfterFailures = reader.Int("quarantineAfterFailures", 1, 100) ?? health.QuarantineAfterFailures;
        health.ReviveAfterSuccesses = reader.Int("reviveAfterSuccesses", 1, 100) ?? health.ReviveAfterSuccesses;
        health.RetireAfter = reader.Duration("retireAfter", TimeSpan.FromMinutes(1), ConfigLimits.MaxRetirement) ?? health.RetireAfter;
        health.RetireAfterFailedRechecks = reader.Int("retireAfterFailedRechecks", 1, 100_000) ?? health.RetireAfterFailedRechecks;
        health.MaxBackoff = reader.Duration("maxBackoff", TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)) ?? health.MaxBackoff;
        health.QuarantineAfterLiveFailures = reader.Int("quarantineAfterLiveFailures", 1, 10_000) ?? health.QuarantineAfterLiveFailures;
        health.ScoreHalfLife = reader.Duration("scoreHalfLife", TimeSpan.FromSeconds(10), TimeSpan.FromDays(7)) ?? health.ScoreHalfLife;
        reader.RejectUnknownFields();
    }

    private static void ReadSessions(JsonObjectReader reader, SessionOptions sessions)
    {
        TimeSpan? defaultTtl = reader.Duration("defaultTtl", ConfigLimits.MinSessionTtl, ConfigLimits.MaxSessionTtl);
        TimeSpan? maxTtl = reader.Duration("maxTtl", ConfigLimits.MinSessionTtl, ConfigLimits.MaxSessionTtl);
        sessions.DefaultTtl = defaultTtl ?? sessions.DefaultTtl;
        sessions.MaxTtl = maxTtl ?? sessions.MaxTtl;
        sessions.MaxPerAccount = reader.Int("maxPerAccount", 1, ConfigLimits.MaxSessions) ?? sessions.MaxPerAccount;
        sessions.MaxTotal = reader.Int("maxTotal", 1, ConfigLimits.MaxSessions) ?? sessions.MaxTotal;
        if (reader.String("vendorKey") is { } vendorKey)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(vendorKey) < Backconnect.KeyedVendorSessionIds.MinKeyBytes)
            {
                reader.Context.Error(reader.PathOf("vendorKey"), $"must be at least {Backconnect.KeyedVendorSessionIds.MinKeyBytes} bytes long");
            }
            else
            {
                sessions.VendorKey = vendorKey;
            }
        }

        sessions.SharedTimeout = reader.Duration("sharedTimeout", TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10)) ?? sessions.SharedTimeout;
        if ((defaultTtl is not null || maxTtl is not null) && sessions.DefaultTtl > sessions.MaxTtl)
        {
            reader.Context.Error(reader.PathOf(defaultTtl is not null ? "defaultTtl" : "maxTtl"),
                $"sessions.defaultTtl ({DurationParser.Format(sessions.DefaultTtl)}) must not exceed sessions.maxTtl ({DurationParser.Format(sessions.MaxTtl)})");
        }

        reader.RejectUnknownFields();
    }

    private static void CheckListenersDoNotCollide(ProxyRotatorConfig config, ConfigReadContext context)
    {
        if (!ListenAddress.TryParse(config.Admin.Listen, allowAnyPort: false, out ListenAddress? admin, out _))
        {
            return;
        }

        foreach (string listen in config.Gateway.Listen)
        {
            if (ListenAddress.TryParse(listen, allowAnyPort: false, out ListenAddress? gateway, out _)
                && gateway!.Port == admin!.Port
                && (gateway.IsAnyAddress || admin.IsAnyAddress || gateway.IsLocalhost || admin.IsLocalhost || gateway.Host == admin.Host))
            {
                context.Error("admin.listen", $"'{admin}' collides with the gateway listener '{gateway}' (use another port)");
            }
        }
    }

    private static bool ComesFromEnvironment(JsonObjectReader reader, string name) =>
        reader.TryGet(name, out JsonElement raw) && raw.ValueKind == JsonValueKind.String
        && raw.GetString()!.Contains("${", StringComparison.Ordinal);
}
