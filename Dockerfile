# syntax=docker/dockerfile:1
# ProxyRotator: build with the .NET SDK, run on the ASP.NET runtime as a non-root user.
#   docker build -t proxyrotator .
#   docker run -e PROXYROTATOR_API_KEY=$(openssl rand -hex 24) -e SCRAPER_PASSWORD=... \
#              -p 8080:8080 -p 127.0.0.1:8081:8081 -v proxyrotator-data:/data proxyrotator
# Mount your own configuration at /etc/proxyrotator/pools.json (keep "database" under /data).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files only, so source edits do not invalidate the package layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ProxyRotator/ProxyRotator.csproj src/ProxyRotator/
COPY src/ProxyRotator.Core/ProxyRotator.Core.csproj src/ProxyRotator.Core/
COPY src/ProxyRotator.Store/ProxyRotator.Store.csproj src/ProxyRotator.Store/
COPY src/ProxyRotator.Gateway/ProxyRotator.Gateway.csproj src/ProxyRotator.Gateway/
COPY src/ProxyRotator.Health/ProxyRotator.Health.csproj src/ProxyRotator.Health/
COPY src/ProxyRotator.Providers/ProxyRotator.Providers.csproj src/ProxyRotator.Providers/
COPY src/ProxyRotator.Admin/ProxyRotator.Admin.csproj src/ProxyRotator.Admin/
COPY migrations/ProxyRotator.Migrations/ProxyRotator.Migrations.csproj migrations/ProxyRotator.Migrations/
COPY migrations/ProxyRotator.Migrations.PostgreSql/ProxyRotator.Migrations.PostgreSql.csproj migrations/ProxyRotator.Migrations.PostgreSql/
# The simulated world (demo, tests) stays out of the production image: IncludeSimulation=false drops the reference.
RUN dotnet restore src/ProxyRotator/ProxyRotator.csproj -p:IncludeSimulation=false

COPY src/ src/
COPY migrations/ migrations/
RUN dotnet publish src/ProxyRotator/ProxyRotator.csproj -c Release -o /app --no-restore -p:IncludeSimulation=false \
 && test ! -e /app/ProxyRotator.Simulation.dll

# The container's default configuration is the sample with container paths and addresses, and with secrets that
# MUST come from the environment (no built-in defaults on an exposed port): a missing one stops start-up by name.
COPY pools.sample.json /tmp/pools.sample.json
RUN mkdir -p /config \
 && sed -e 's|"Data Source=proxyrotator.db"|"Data Source=/data/proxyrotator.db"|' \
        -e 's|"127.0.0.1:8080"|"*:8080"|' \
        -e 's|"127.0.0.1:8081"|"*:8081"|' \
        -e 's|${PROXYROTATOR_API_KEY:-change-me-local-only-key}|${PROXYROTATOR_API_KEY}|' \
        -e 's|${SCRAPER_PASSWORD:-scraper-local-password}|${SCRAPER_PASSWORD}|' \
        /tmp/pools.sample.json > /config/pools.json \
 && grep -q '"Data Source=/data/proxyrotator.db"' /config/pools.json \
 && grep -q '"\*:8081"' /config/pools.json \
 && grep -q '"${PROXYROTATOR_API_KEY}"' /config/pools.json \
 && grep -q '"${SCRAPER_PASSWORD}"' /config/pools.json \
 && ! grep -Eq 'change-me-local-only-key|scraper-local-password' /config/pools.json

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# Kestrel binds what the configuration says; the image's default HTTP port variable would only add a warning.
ENV ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1

COPY --from=build /app ./
COPY --from=build /config/pools.json /etc/proxyrotator/pools.json

# The SQLite file lives on a volume owned by the image's non-root user ($APP_UID, "app").
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
USER $APP_UID

# gateway (HTTP proxy, CONNECT, SOCKS5) and admin API / metrics / dashboard
EXPOSE 8080 8081

# Liveness through the binary itself (the image has no curl): exit 0 when the admin listener's /healthz answers 200.
# Orchestrators that want readiness (some upstream eligible) ask `proxyrotator healthcheck --ready` or GET /readyz.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["dotnet", "proxyrotator.dll", "healthcheck", "--admin", "http://127.0.0.1:8081"]

ENTRYPOINT ["dotnet", "proxyrotator.dll"]
CMD ["serve", "--config", "/etc/proxyrotator/pools.json"]
