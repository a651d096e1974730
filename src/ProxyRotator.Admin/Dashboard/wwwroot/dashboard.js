// ProxyRotator dashboard: reads the admin API with the key kept in sessionStorage, refreshes every few seconds.
// Every value from the API is written with textContent (never as HTML), so upstream data cannot inject markup.
"use strict";

(() => {
  const KEY_STORAGE = "proxyrotator.apiKey";
  const REFRESH_MS = 5000;
  const MAX_UPSTREAMS = 10000;   // what the page pulls for distributions and the table
  const TABLE_ROWS = 300;        // rows rendered at once
  const RATE_POINTS = 60;        // 5 minutes at 5 s

  const state = {
    upstreams: [],
    upstreamTotal: 0,
    pools: [],
    sort: { key: "id", dir: 1 },
    lastStats: null,
    rates: [],
    timer: null,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function apiKey() { return sessionStorage.getItem(KEY_STORAGE); }

  class Unauthorized extends Error {}

  async function api(path) {
    const response = await fetch(path, { headers: { "X-Api-Key": apiKey() || "", "Accept": "application/json" } });
    if (response.status === 401) throw new Unauthorized("wrong key");
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // ---- key prompt -------------------------------------------------------------------------------------------
  function askForKey(message) {
    stopRefresh();
    const dialog = $("key-dialog");
    const error = $("key-error");
    error.hidden = !message;
    error.textContent = message || "";
    $("key-input").value = "";
    if (!dialog.open) dialog.showModal();
    $("key-input").focus();
  }

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("key-input").value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY_STORAGE, key);
    $("key-dialog").close();
    start();
  });

  $("key-dialog").addEventListener("cancel", (event) => { if (!apiKey()) event.preventDefault(); });

  $("change-key").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    askForKey("");
  });

  // ---- refresh loop -----------------------------------------------------------------------------------------
  function stopRefresh() {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
  }

  async function start() {
    stopRefresh();
    await refresh();
  }

  async function refresh() {
    try {
      const [pools, stats, sessions, upstreams] = await Promise.all([
        api("/api/pools"), api("/api/stats?top=0"), api("/api/sessions?pageSize=20"), loadUpstreams(),
      ]);
      state.pools = pools;
      state.upstreams = upstreams.items;
      state.upstreamTotal = upstreams.total;
      $("main").hidden = false;
      renderCards(pools, stats, sessions);
      renderPools(pools);
      renderRates(stats);
      renderBreakdowns();
      renderFailureKinds(stats);
      renderPoolFilter();
      renderUpstreams();
      renderSessions(sessions);
      $("status-line").textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      if (error instanceof Unauthorized) {
        sessionStorage.removeItem(KEY_STORAGE);
        $("status-line").textContent = "not connected";
        askForKey("That key was refused (401). Check admin.apiKey.");
        return;
      }
      $("status-line").textContent = `refresh failed: ${error.message}`;
    }
    state.timer = setTimeout(refresh, REFRESH_MS);
  }

  async function loadUpstreams() {
    const status = $("filter-status").value;
    const pool = $("filter-pool").value;
    const items = [];
    let total = 0;
    for (let page = 1; items.length < MAX_UPSTREAMS; page++) {
      const query = new URLSearchParams({ page: String(page), pageSize: "1000" });
      if (status) query.set("status", status);
      if (pool) query.set("pool", pool);
      const result = await api(`/api/proxies?${query}`);
      total = result.total;
      items.push(...result.items);
      if (result.items.length < result.pageSize || items.length >= total) break;
    }
    return { items, total };
  }

  // ---- rendering --------------------------------------------------------------------------------------------
  function formatNumber(value, digits = 0) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function renderCards(pools, stats, sessions) {
    const sum = (key) => pools.reduce((total, pool) => total + pool.counts[key], 0);
    $("card-total").textContent = formatNumber(sum("active") + sum("pending") + sum("quarantined"));
    $("card-active").textContent = formatNumber(sum("active"));
    $("card-pending").textContent = formatNumber(sum("pending"));
    $("card-quarantined").textContent = formatNumber(sum("quarantined"));
    $("card-connections").textContent = formatNumber(stats.activeConnections);
    $("card-sessions").textContent = formatNumber(sessions.total);

    const now = performance.now();
    if (state.lastStats) {
      const seconds = Math.max((now - state.lastStats.at) / 1000, 0.001);
      const rps = Math.max(0, (stats.total.requests - state.lastStats.requests) / seconds);
      const fps = Math.max(0, (stats.total.failures - state.lastStats.failures) / seconds);
      state.rates.push({ rps, fps });
      if (state.rates.length > RATE_POINTS) state.rates.shift();
      $("card-rps").textContent = formatNumber(rps, 1);
      $("card-fps").textContent = formatNumber(fps, 1);
    } else {
      $("card-rps").textContent = "…";
      $("card-fps").textContent = "…";
    }
    state.lastStats = { at: now, requests: stats.total.requests, failures: stats.total.failures };
  }

  function renderPools(pools) {
    const body = $("pool-table").tBodies[0];
    body.replaceChildren();
    if (pools.length === 0) {
      const row = body.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 9;
      cell.className = "empty";
      cell.textContent = "No pools yet. Add pools to the configuration file and run import.";
      return;
    }
    for (const pool of pools) {
      const row = body.insertRow();
      row.dataset.pool = pool.name;
      row.append(el("td", "name", pool.name), el("td", null, pool.type), el("td", "num total", formatNumber(pool.total)));
      for (const status of ["active", "pending", "quarantined", "retired"]) {
        row.append(el("td", `num ${status}`, formatNumber(pool.counts[status])));
      }
      const health = el("td");
      const stack = el("div", "stack");
      const denominator = Math.max(pool.total, 1);
      for (const status of ["active", "pending", "quarantined", "retired"]) {
        const part = el("span", status);
        part.style.width = `${(100 * pool.counts[status]) / denominator}%`;
        part.title = `${status}: ${pool.counts[status]}`;
        stack.append(part);
      }
      health.append(stack);
      row.append(health);
      const providers = el("td");
      for (const provider of pool.providers) {
        const badge = el("span", `badge ${provider.lastError ? "error" : "fine"}`, provider.name);
        badge.title = provider.lastError
          ? `last error: ${provider.lastError}`
          : `last sync ${provider.lastSuccessAt ?? "never"}, ${provider.lastCount ?? 0} listed`;
        providers.append(badge, " ");
      }
      if (pool.providers.length === 0) providers.append(el("span", "muted", "–"));
      row.append(providers);
    }
  }

  function renderRates() {
    const host = $("rate-chart");
    const width = 600;
    const height = 140;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("preserveAspectRatio", "none");
    const max = Math.max(1, ...state.rates.map((r) => Math.max(r.rps, r.fps)));
    const axis = document.createElementNS(ns, "line");
    axis.setAttribute("class", "axis");
    axis.setAttribute("x1", "0"); axis.setAttribute("x2", String(width));
    axis.setAttribute("y1", String(height - 1)); axis.setAttribute("y2", String(height - 1));
    svg.append(axis);
    for (const [key, cls] of [["rps", "req"], ["fps", "fail"]]) {
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("class", cls);
      const step = width / (RATE_POINTS - 1);
      const offset = RATE_POINTS - state.rates.length;
      const points = state.rates.map((r, i) => `${((offset + i) * step).toFixed(1)},${(height - 4 - (r[key] / max) * (height - 12)).toFixed(1)}`);
      line.setAttribute("points", points.join(" "));
      svg.append(line);
    }
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", "4"); label.setAttribute("y", "12");
    label.setAttribute("font-size", "11"); label.setAttribute("fill", "#6b7585");
    label.textContent = `max ${formatNumber(max, 1)}/s`;
    svg.append(label);
    host.replaceChildren(svg);
  }

  function bars(hostId, entries, className) {
    const host = $(hostId);
    host.replaceChildren();
    if (entries.length === 0) {
      host.append(el("div", "empty", "nothing yet"));
      return;
    }
    const max = Math.max(...entries.map(([, count]) => count), 1);
    for (const [label, count] of entries) {
      const row = el("div", "bar-row");
      row.dataset.label = label;
      const track = el("div", "bar-track");
      const fill = el("div", `bar-fill ${className || ""}`);
      fill.style.width = `${(100 * count) / max}%`;
      track.append(fill);
      const name = el("span", "bar-label", label);
      name.title = label;
      row.append(name, track, el("span", "bar-value", formatNumber(count)));
      host.append(row);
    }
  }

  function countBy(items, pick) {
    const counts = new Map();
    for (const item of items) {
      const key = pick(item);
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]);
  }

  function histogram(hostId, values, edges, labels) {
    const host = $(hostId);
    host.replaceChildren();
    const counts = new Array(labels.length).fill(0);
    for (const value of values) {
      let index = edges.findIndex((edge) => value < edge);
      if (index < 0) index = labels.length - 1;
      counts[index]++;
    }
    const max = Math.max(...counts, 1);
    counts.forEach((count, i) => {
      const col = el("div", "hist-col");
      col.title = `${labels[i]}: ${count}`;
      const bar = el("div", "hist-bar");
      bar.style.height = `${(100 * count) / max * 0.8}%`;
      col.append(el("div", "hist-count", count || ""), bar, el("div", "hist-label", labels[i]));
      host.append(col);
    });
  }

  function renderBreakdowns() {
    const live = state.upstreams.filter((u) => u.status !== "retired");
    bars("by-type", countBy(live, (u) => u.type));
    bars("by-country", countBy(live, (u) => u.verifiedCountry || u.declaredCountry || "??").slice(0, 12));
    histogram("score-hist", live.map((u) => u.score),
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, Infinity],
      ["0", ".1", ".2", ".3", ".4", ".5", ".6", ".7", ".8", ".9"]);
    histogram("latency-hist", live.filter((u) => u.latencyMs !== null && u.latencyMs !== undefined).map((u) => u.latencyMs),
      [100, 250, 500, 1000, 2000, 5000, Infinity],
      ["<100ms", "<250", "<500", "<1s", "<2s", "<5s", "≥5s"]);
  }

  function renderFailureKinds(stats) {
    const entries = Object.entries(stats.failuresByKind || {}).sort((a, b) => b[1] - a[1]);
    bars("failure-kinds", entries, "bad");
  }

  function renderPoolFilter() {
    const select = $("filter-pool");
    const current = select.value;
    const names = state.pools.map((p) => p.name);
    const existing = [...select.options].slice(1).map((o) => o.value);
    if (names.join("\n") === existing.join("\n")) return;
    select.replaceChildren(el("option", null, "all pools"));
    select.options[0].value = "";
    for (const name of names) {
      const option = el("option", null, name);
      option.value = name;
      select.append(option);
    }
    select.value = names.includes(current) ? current : "";
  }

  function sortValue(upstream, key) {
    switch (key) {
      case "country": return upstream.verifiedCountry || upstream.declaredCountry || "";
      case "lastCheckedAt": return upstream.lastCheckedAt || "";
      default: {
        const value = upstream[key];
        return value === null || value === undefined ? -Infinity : value;
      }
    }
  }

  function renderUpstreams() {
    const text = $("filter-text").value.trim().toLowerCase();
    const { key, dir } = state.sort;
    const matches = state.upstreams.filter((u) => !text || [u.url, u.pool, u.type, u.status, u.declaredCountry, u.verifiedCountry, u.exitIp, u.city, String(u.id)]
      .some((field) => field && String(field).toLowerCase().includes(text)));
    matches.sort((a, b) => {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || a.id - b.id;
    });

    const body = $("upstream-table").tBodies[0];
    body.replaceChildren();
    for (const u of matches.slice(0, TABLE_ROWS)) {
      const row = body.insertRow();
      row.dataset.id = String(u.id);
      const country = u.verifiedCountry || u.declaredCountry || "??";
      const countryCell = el("td", null, country);
      if (u.verifiedCountry) countryCell.title = "verified by GeoIP";
      if (u.mismatch) { countryCell.textContent = `${country} ⚠`; countryCell.title = u.mismatch; }
      const status = el("td");
      const badge = el("span", `badge ${u.status}`, u.status === "pending" ? "pending · routed" : u.status);
      if (u.statusReason) badge.title = u.statusReason;
      else if (u.status === "pending") badge.title = "not yet health-checked; routed like an active upstream until its first probe";
      status.append(badge);
      const url = el("td", "url", u.url);
      url.title = u.lastError ? `${u.url}\nlast error: ${u.lastError}` : u.url;
      row.append(
        el("td", "num", u.id), el("td", null, u.pool), url, el("td", null, u.type), countryCell,
        el("td", null, u.exitIp || "–"), status,
        el("td", "num", formatNumber(u.score, 2)),
        el("td", "num", u.latencyMs === null || u.latencyMs === undefined ? "–" : `${formatNumber(u.latencyMs)} ms`),
        el("td", "num", u.successRate === null || u.successRate === undefined ? "–" : `${formatNumber(u.successRate * 100)}%`),
        el("td", null, u.lastCheckedAt ? new Date(u.lastCheckedAt).toLocaleTimeString() : "never"));
    }
    const capped = state.upstreamTotal > state.upstreams.length ? ` (first ${formatNumber(state.upstreams.length)} of ${formatNumber(state.upstreamTotal)} loaded)` : "";
    $("upstream-footer").textContent = `showing ${formatNumber(Math.min(matches.length, TABLE_ROWS))} of ${formatNumber(matches.length)} matching${capped}`;

    for (const th of $("upstream-table").tHead.rows[0].cells) {
      th.classList.toggle("sorted-asc", th.dataset.key === key && dir === 1);
      th.classList.toggle("sorted-desc", th.dataset.key === key && dir === -1);
    }
  }

  function renderSessions(sessions) {
    const body = $("session-table").tBodies[0];
    body.replaceChildren();
    for (const s of sessions.items) {
      const row = body.insertRow();
      row.append(el("td", null, s.id), el("td", "num", s.upstreamId), el("td", null, s.exitIp || "–"), el("td", null, s.mode),
        el("td", null, new Date(s.expiresAt).toLocaleTimeString()));
    }
    $("session-footer").textContent = sessions.total === 0
      ? "no active sessions"
      : `${formatNumber(sessions.total)} active${sessions.total > sessions.items.length ? `, newest ${sessions.items.length} shown` : ""}`;
  }

  // ---- interactions -----------------------------------------------------------------------------------------
  for (const th of $("upstream-table").tHead.rows[0].cells) {
    th.addEventListener("click", () => {
      const key = th.dataset.key;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      renderUpstreams();
    });
  }
  $("filter-text").addEventListener("input", renderUpstreams);
  $("filter-status").addEventListener("change", start);
  $("filter-pool").addEventListener("change", start);

  if (apiKey()) start(); else askForKey("");
})();
