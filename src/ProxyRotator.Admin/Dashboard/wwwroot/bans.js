// ProxyRotator dashboard, site bans panel (issue 13 §5): reads /api/bans with the key dashboard.js keeps in
// sessionStorage and refreshes on its own timer. Values are written with textContent only.
"use strict";

(() => {
  const KEY_STORAGE = "proxyrotator.apiKey";
  const REFRESH_MS = 5000;
  const MAX_ROWS = 100;
  const $ = (id) => document.getElementById(id);

  function cell(row, text, className) {
    const td = row.insertCell();
    if (className) td.className = className;
    td.textContent = text === undefined || text === null ? "–" : String(text);
  }

  function duration(seconds) {
    if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
    if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
    return `${Math.round(seconds)} s`;
  }

  async function refresh() {
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key && $("ban-table")) {
      try {
        const response = await fetch("/api/bans", { headers: { "X-Api-Key": key, "Accept": "application/json" } });
        if (response.ok) render(await response.json());
      } catch {
        // dashboard.js reports connection problems; this panel just keeps its last rows.
      }
    }
    setTimeout(refresh, REFRESH_MS);
  }

  function render(list) {
    const body = $("ban-table").tBodies[0];
    body.replaceChildren();
    for (const b of list.items.slice(0, MAX_ROWS)) {
      const row = body.insertRow();
      cell(row, b.site);
      cell(row, b.exitIp || (b.upstreamId !== null ? `upstream #${b.upstreamId}` : null));
      cell(row, b.active ? b.strikes : `${b.strikesNow} (of ${b.strikes})`, "num");
      cell(row, b.active ? `banned, ${duration(b.remainingSeconds)} left` : `decaying, next ban ${duration(b.nextCooldownSeconds)}`);
      cell(row, new Date(b.until).toLocaleTimeString());
      cell(row, b.source);
      cell(row, b.reason);
    }
    $("ban-footer").textContent =
      `${list.active} active of ${list.items.length} remembered · ${list.detectedTotal} detected, ${list.reportedTotal} reported, ` +
      `${list.avoidedPicksTotal} picks avoided · ${list.exclusiveClaims} exclusive claims`;
  }

  refresh();
})();
