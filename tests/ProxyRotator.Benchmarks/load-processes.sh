#!/bin/sh
# Issue 14's table on this machine: `load --processes` (wrk, `proxyrotator serve`, 20 upstreams, nginx, each its own
# process). With a commit as first argument, that commit's build runs beside this one as the "baseline" gateway, in the
# same rounds, so before and after compare even on a noisy machine. Extra arguments go to the benchmark.
#   tests/ProxyRotator.Benchmarks/load-processes.sh [BASE_COMMIT] [--warmup 30] [--rounds 3] [--scenario keepalive|connect|bulk]
set -eu
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx: apt-get install -y wrk nginx-light" >&2; exit 2; }
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$root"
baseline=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ] && git rev-parse --verify --quiet "$1^{commit}" >/dev/null; then
    base=$(mktemp -d)
    git archive "$1" | tar -x -C "$base"
    dotnet build -c Release "$base/src/ProxyRotator" >/dev/null
    baseline="--baseline-dll $base/src/ProxyRotator/bin/Release/net10.0/proxyrotator.dll"
    shift
fi
dotnet build -c Release tests/ProxyRotator.Benchmarks >/dev/null
# shellcheck disable=SC2086
exec dotnet tests/ProxyRotator.Benchmarks/bin/Release/net10.0/ProxyRotator.Benchmarks.dll load --processes --verbose $baseline "$@"
