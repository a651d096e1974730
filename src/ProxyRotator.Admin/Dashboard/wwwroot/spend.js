// ProxyRotator dashboard, spend panel (issue 12 §5): reads the "spend" part of /api/stats with the key dashboard.js
// keeps in sessionStorage and refreshes on its own timer. Values are written with textContent only.
"use strict";

(() => {
  const KEY_STORAGE = "proxyrotator.apiKey";
  const REFRESH_MS = 5000;
  const $ = (id) => document.getElementById(id);

  function cell(row, text, className) {
    const td = row.insertCell();
    if (className) td.className = className;
    td.textContent = text === undefined || text === null ? "–" : String(text);
  }

  function bytes(n) {
    if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
    if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
    if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
    return `${n} B`;
  }

  function money(n) {
    return Number(n).toFixed(n >= 1 ? 2 : 6);
  }

  async function refresh() {
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key && $("spend-table")) {
      try {
        const response = await fetch("/api/stats?top=0", { headers: { "X-Api-Key": key, "Accept": "application/json" } });
        if (response.ok) render((await response.json()).spend);
      } catch {
        // dashboard.js reports connection problems; this panel just keeps its last rows.
      }
    }
    setTimeout(refresh, REFRESH_MS);
  }

  function render(spend) {
    const body = $("spend-table").tBodies[0];
    body.replaceChildren();
    for (const a of spend.accounts) {
      const row = body.insertRow();
      cell(row, "account");
      cell(row, a.account);
      cell(row, a.requests, "num");
      cell(row, bytes(a.bytes), "num");
      cell(row, money(a.spend), "num");
    }
    for (const p of spend.providers) {
      const row = body.insertRow();
      cell(row, "provider");
      cell(row, `${p.provider} (pool ${p.pool})`);
      cell(row, p.requests, "num");
      cell(row, bytes(p.bytes), "num");
      cell(row, money(p.spend), "num");
    }
    const total = spend.accounts.reduce((sum, a) => sum + Number(a.spend), 0);
    $("spend-footer").textContent = `${money(total)} spent since start, in the currency of the configured costs`;
  }

  refresh();
})();
