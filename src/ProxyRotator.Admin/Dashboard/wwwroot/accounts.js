// ProxyRotator dashboard: the accounts and usage panels (add, enable/disable, rotate a password, delete; today's
// usage). Same rules as dashboard.js: the key from sessionStorage, every API value written with textContent.
"use strict";

(() => {
  const KEY_STORAGE = "proxyrotator.apiKey";
  const REFRESH_MS = 5000;
  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  async function call(method, path, body) {
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (!key) return null;
    const response = await fetch(path, {
      method,
      headers: { "X-Api-Key": key, "Accept": "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      let detail = `HTTP ${response.status}`;
      try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
      throw new Error(detail);
    }
    return response.status === 204 ? null : response.json();
  }

  const number = (value) => value === null || value === undefined ? "–" : Number(value).toLocaleString();
  const optional = (id) => $(id).value === "" ? null : Number($(id).value);
  const say = (text) => { $("account-message").textContent = text; };

  function button(label, action) {
    const b = el("button", "ghost", label);
    b.type = "button";
    b.addEventListener("click", async () => {
      try { await action(); await refresh(); } catch (error) { say(error.message); }
    });
    return b;
  }

  function renderAccounts(accounts) {
    const body = $("account-table").tBodies[0];
    body.replaceChildren();
    for (const a of accounts) {
      const row = body.insertRow();
      const actions = el("td");
      actions.append(
        button(a.enabled ? "Disable" : "Enable", () => call("PATCH", `/api/accounts/${encodeURIComponent(a.name)}`, { enabled: !a.enabled })),
        button("New password", async () => {
          const result = await call("POST", `/api/accounts/${encodeURIComponent(a.name)}/password`, {});
          say(`new password of ${a.name}: ${result.password} (shown once)`);
        }),
        button("Delete", async () => {
          if (confirm(`Delete account ${a.name}?`)) await call("DELETE", `/api/accounts/${encodeURIComponent(a.name)}`);
        }));
      row.append(el("td", null, a.name + (a.fromConfig ? " (config)" : "")), el("td", a.enabled ? null : "bad", a.enabled ? "enabled" : "disabled"),
        el("td", null, a.pools.join(", ")), el("td", "num", number(a.limits.maxConcurrent)), el("td", "num", number(a.limits.requestsPerSecond)),
        el("td", "num", number(a.limits.bytesPerDay)), el("td", "num", number(a.limits.bytesPerMonth)),
        el("td", "num", number(a.bytesToday)), el("td", "num", number(a.bytesThisMonth)),
        el("td", null, a.allowedAddresses.join(", ") || "–"), actions);
    }
  }

  function renderUsage(rows) {
    const body = $("usage-table").tBodies[0];
    body.replaceChildren();
    for (const r of rows) {
      const failures = Object.entries(r.failures).map(([kind, count]) => `${kind} ${count}`).join(", ");
      const row = body.insertRow();
      row.append(el("td", null, r.account), el("td", null, r.pool), el("td", "num", number(r.requests)),
        el("td", "num", number(r.bytesUp)), el("td", "num", number(r.bytesDown)), el("td", null, failures || "–"));
    }
    $("usage-footer").textContent = rows.length === 0 ? "no traffic today" : "";
  }

  async function refresh() {
    try {
      const today = new Date().toISOString().slice(0, 10);
      const [accounts, usage] = await Promise.all([call("GET", "/api/accounts"), call("GET", `/api/usage?from=${today}&to=${today}`)]);
      if (accounts) renderAccounts(accounts);
      if (usage) renderUsage(usage);
    } catch (error) {
      say(`accounts: ${error.message}`);
    }
  }

  $("account-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const pools = $("account-pools").value.split(",").map((p) => p.trim()).filter((p) => p);
    const limits = { maxConcurrent: optional("account-concurrent"), requestsPerSecond: optional("account-rps"),
      bytesPerDay: optional("account-day"), bytesPerMonth: optional("account-month") };
    try {
      const result = await call("POST", "/api/accounts", {
        name: $("account-name").value, password: $("account-password").value || null, pools: pools.length ? pools : null, limits,
      });
      say(result.password ? `added ${result.account.name}; password: ${result.password} (shown once)` : `added ${result.account.name}`);
      $("account-add").reset();
      await refresh();
    } catch (error) {
      say(error.message);
    }
  });

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
