// The register's map page: parcels coloured by status, reserve blocks with their areas, park boundaries; a zone and
// park selector that zooms to them, a search box that flies to a parcel, filters (status, park, use mismatch, idle-land
// findings, evaluation class), a date control that redraws the parcels as they stood on a past day, parcel codes when
// zoomed in, an optional base map, and a details panel with the parcel's history and ledger items. Everything comes
// from this API (the base map too, fetched by the register), so the page makes no request to any other origin.
// The key handling is page.js's; the dashboard is dashboard.js's.
"use strict";

const STATUSES = [
  ["raw_land", "毛地", "Raw land", "#a1887f"],
  ["clean_land", "净地", "Clean land", "#43a047"],
  ["supplied", "已供应", "Supplied", "#1e88e5"],
  ["under_construction", "在建", "Under construction", "#fdd835"],
  ["in_use", "在用", "In use", "#b0bec5"],
  ["low_efficiency", "低效", "Low efficiency", "#fb8c00"],
  ["idle", "闲置", "Idle", "#e53935"],
  ["revitalizing", "盘活中", "Revitalizing", "#8e24aa"],
  ["revitalized", "已盘活", "Revitalized", "#00acc1"],
];
const STATUS_NAMES = Object.fromEntries(STATUSES.map(([code, zh, en]) => [code, `${zh} ${en}`]));
const CODE_LABEL_ZOOM = 16;
const MAX_CODE_LABELS = 300;

const state = {
  statuses: new Set(STATUSES.map(s => s[0])), park: "", zone: "", asOf: "", me: null, zones: [], parks: [],
  only: { mismatch: null, idle: null, evaluationClass: null }, map: null, markers: [], codeMarkers: new Map(), listeners: [],
};

// What other scripts of the page (the dashboard) follow: the zone, the park and the day chosen.
function onViewChange(listener) { state.listeners.push(listener); }
function viewChanged() { for (const listener of state.listeners) listener(); }
function may(permission) { return !!state.me && state.me.permissions.includes(permission); }

// The instant a chosen day is read at: its end, in Beijing time.
function asOfInstant() { return state.asOf ? `${state.asOf}T23:59:59+08:00` : ""; }

function boundsOf(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = coords => {
    if (typeof coords[0] === "number") {
      box[0] = Math.min(box[0], coords[0]); box[1] = Math.min(box[1], coords[1]);
      box[2] = Math.max(box[2], coords[0]); box[3] = Math.max(box[3], coords[1]);
    } else for (const c of coords) walk(c);
  };
  walk(geometry.coordinates);
  return box[0] === Infinity ? null : box;
}

function fit(box, animate) {
  if (!box) return;
  state.map.fitBounds([[box[0], box[1]], [box[2], box[3]]],
    { padding: { top: 30, bottom: 30, left: 300, right: document.getElementById("details").hidden ? 30 : 330 }, maxZoom: 17, animate: !!animate });
}

function zoneBox() {
  const zones = state.zone ? state.zones.filter(z => z.code === state.zone) : state.zones;
  const boxes = zones.map(z => z.bbox).filter(Boolean);
  if (!boxes.length) return null;
  return [Math.min(...boxes.map(b => b[0])), Math.min(...boxes.map(b => b[1])), Math.max(...boxes.map(b => b[2])), Math.max(...boxes.map(b => b[3]))];
}

function buildLegend() {
  const list = document.getElementById("statuses");
  list.replaceChildren(...STATUSES.map(([code, zh, en, colour]) => {
    const box = el("input", { type: "checkbox", checked: state.statuses.has(code), value: code });
    box.dataset.status = code;
    box.addEventListener("change", () => {
      box.checked ? state.statuses.add(code) : state.statuses.delete(code);
      applyFilter();
    });
    const swatch = el("i", { className: "swatch" });
    swatch.style.background = colour;
    return el("li", {}, el("label", {}, box, swatch, `${zh} `, el("span", {}, en)));
  }));

  const zone = document.getElementById("zone");
  zone.replaceChildren(...(state.zones.length > 1 ? [el("option", { value: "" }, "全部开发区 All zones")] : []),
    ...state.zones.map(z => el("option", { value: z.code }, `${z.name} (${z.code})`)));
  zone.value = state.zone;
  zone.onchange = () => { state.zone = zone.value; state.park = ""; buildParks(); applyFilter(); fit(zoneBox(), true); viewChanged(); };
  buildParks();

  document.getElementById("idle-filter").hidden = !may("enterprises.read");
  document.getElementById("class-filter").hidden = !(may("enterprises.read") && state.me.audience === "confidential");
}

function buildParks() {
  const select = document.getElementById("park");
  const parks = state.parks.filter(p => !state.zone || p.zoneCode === state.zone);
  select.replaceChildren(el("option", { value: "" }, "全部 All"), ...parks.map(p => el("option", { value: p.code }, `${p.name} (${p.code})`)));
  select.value = state.park;
  select.onchange = () => {
    state.park = select.value;
    applyFilter();
    const park = parks.find(p => p.code === state.park);
    fit(park && park.boundary ? boundsOf(park.boundary) : zoneBox(), true);
    viewChanged();
  };
}

function parcelFilter() {
  const filter = ["all", ["in", ["get", "status"], ["literal", [...state.statuses]]]];
  if (state.park) filter.push(["==", ["get", "parkCode"], state.park]);
  for (const ids of Object.values(state.only)) if (ids) filter.push(["in", ["id"], ["literal", ids]]);
  return filter;
}

function applyFilter() {
  for (const layer of ["parcels-fill", "parcels-line"]) state.map.setFilter(layer, parcelFilter());
  state.map.setFilter("parks-line", state.park ? ["==", ["get", "code"], state.park] : null);
}

// A filter that needs the register's answer: the ids of the parcels that pass it.
async function onlyThese(name, enabled, ids) {
  try {
    state.only[name] = enabled ? await ids() : null;
    applyFilter();
  } catch (error) {
    message(error.message);
  }
}

function zoneQuery() { return state.zone ? `&zone=${encodeURIComponent(state.zone)}` : ""; }

document.getElementById("only-mismatch").addEventListener("change", event => onlyThese("mismatch", event.target.checked, async () =>
  (await api(`/api/parcels?useMismatch=true&limit=10000${zoneQuery()}`)).features.map(f => f.id)));
document.getElementById("only-idle-findings").addEventListener("change", event => onlyThese("idle", event.target.checked, async () => {
  const zones = state.zone ? [state.zone] : state.zones.map(z => z.code);
  const lists = await Promise.all(zones.map(z => api(`/api/idle-land/findings?zone=${encodeURIComponent(z)}&limit=1000`).catch(() => ({ items: [] }))));
  return lists.flatMap(l => l.items.map(i => i.parcelId));
}));
document.getElementById("evaluation-class").addEventListener("change", event => onlyThese("evaluationClass", !!event.target.value, async () =>
  (await api(`/api/parcels?evaluationClass=${encodeURIComponent(event.target.value)}&limit=10000${zoneQuery()}`)).features.map(f => f.id)));

function style(settings) {
  const origin = location.origin;
  const statusColour = ["match", ["get", "status"], ...STATUSES.flatMap(([code, , , colour]) => [code, colour]), "#cccccc"];
  const sources = {
    parks: { type: "vector", url: `${origin}/tiles/parks.json` },
    parcels: { type: "vector", url: `${origin}/tiles/parcels.json` },
    reserves: { type: "vector", url: `${origin}/tiles/reserves.json` },
  };
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }];
  if (settings.baseMap) {
    sources.base = { type: "raster", tiles: [settings.baseMap.tiles], tileSize: 256, maxzoom: settings.baseMap.maxZoom, attribution: settings.baseMap.attribution };
    layers.push({ id: "base", type: "raster", source: "base" });
  }
  layers.push(
    { id: "parks-fill", type: "fill", source: "parks", "source-layer": "parks", paint: { "fill-color": "#efe7d3", "fill-opacity": settings.baseMap ? 0.25 : 0.6 } },
    { id: "parcels-fill", type: "fill", source: "parcels", "source-layer": "parcels", paint: { "fill-color": statusColour, "fill-opacity": 0.85 } },
    { id: "parcels-line", type: "line", source: "parcels", "source-layer": "parcels", paint: { "line-color": "#37474f", "line-width": 0.5 } },
    {
      id: "parcels-selected", type: "line", source: "parcels", "source-layer": "parcels", filter: ["==", ["id"], -1],
      paint: { "line-color": "#000", "line-width": 3 },
    },
    { id: "reserves-line", type: "line", source: "reserves", "source-layer": "reserves", paint: { "line-color": "#1b5e20", "line-width": 3 } },
    { id: "parks-line", type: "line", source: "parks", "source-layer": "parks", paint: { "line-color": "#5d4037", "line-width": 2, "line-dasharray": [3, 2] } });
  return { version: 8, sources, layers };
}

// A label point: the centre of the largest ring's bounding box, which for compact shapes falls inside them (no glyphs
// are needed: labels are HTML markers, so no font is fetched from anywhere).
function labelPoint(geometry) {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  let best = null;
  for (const polygon of polygons) {
    const xs = polygon[0].map(p => p[0]), ys = polygon[0].map(p => p[1]);
    const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    const size = (box[2] - box[0]) * (box[3] - box[1]);
    if (!best || size > best.size) best = { size, point: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2] };
  }
  return best.point;
}

async function addReserveLabels() {
  const blocks = await api("/api/reserves");
  for (const marker of state.markers) marker.remove();
  state.markers = blocks.features.map(block => {
    const label = el("div", { className: "reserve-label" }, `${Math.round(block.properties.areaMu)} 亩`);
    label.dataset.block = block.properties.blockId;
    return new maplibregl.Marker({ element: label }).setLngLat(labelPoint(block.geometry)).addTo(state.map);
  });
}

// Parcel codes on the parcels drawn, once zoomed in far enough to read them.
function updateCodeLabels() {
  const map = state.map;
  const wanted = new Map();
  if (document.getElementById("show-codes").checked && map.getZoom() >= CODE_LABEL_ZOOM) {
    for (const f of map.queryRenderedFeatures({ layers: ["parcels-fill"] })) {
      if (wanted.size >= MAX_CODE_LABELS) break;
      if (!wanted.has(f.id)) wanted.set(f.id, f);
    }
  }
  for (const [id, marker] of state.codeMarkers) if (!wanted.has(id)) { marker.remove(); state.codeMarkers.delete(id); }
  for (const [id, feature] of wanted) {
    if (state.codeMarkers.has(id)) continue;
    const label = el("div", { className: "parcel-label" }, feature.properties.code);
    label.dataset.parcel = String(id);
    state.codeMarkers.set(id, new maplibregl.Marker({ element: label }).setLngLat(labelPoint(feature.geometry)).addTo(map));
  }
}
document.getElementById("show-codes").addEventListener("change", () => updateCodeLabels());

function field(list, zh, en, value, className) {
  list.append(el("dt", {}, `${zh} `, el("span", {}, en)), el("dd", { className: className || "" }, value === null || value === undefined || value === "" ? "—" : String(value)));
}

function useText(code, name) {
  if (!code) return null;
  return name ? `${code} ${name.zh} · ${name.en}` : code;
}

const KINDS = {
  created: "登记 Registered", imported: "导入 Imported", updated: "变更 Changed", transition: "状态变更 Status change", supply: "供地 Supplied",
  retired: "注销 Retired", split: "分割 Split", split_from: "分割自 Split from", merged: "合并 Merged", merged_from: "合并自 Merged from",
};

async function showHistory(id, shown) {
  const section = document.getElementById("details-history");
  section.hidden = !may("history.read");
  if (section.hidden) return;
  const history = await api(`/api/parcels/${encodeURIComponent(id)}/history`);
  if (shown !== detailsShown) return;
  document.getElementById("timeline").replaceChildren(...history.entries.slice().reverse().map(entry => {
    const day = (entry.details && entry.details.effectiveDate) || entry.recordedAt.slice(0, 10);
    const status = entry.changes && entry.changes.status;
    const what = status ? `${STATUS_NAMES[status.before] || "—"} → ${STATUS_NAMES[status.after] || status.after}` : (KINDS[entry.kind] || entry.kind);
    const item = el("li", {}, el("time", { dateTime: day }, day), " ", what, entry.reason ? el("span", {}, ` · ${entry.reason}`) : null);
    item.dataset.version = String(entry.version);
    return item;
  }));
}

async function showLedgerLinks(card, shown) {
  const section = document.getElementById("details-ledger");
  section.hidden = !may("ledger.read") || !card.zoneCode;
  if (section.hidden) return;
  const items = (await api(`/api/ledger/items?zone=${encodeURIComponent(card.zoneCode)}&parcel=${card.id}&limit=50`)).items;
  if (shown !== detailsShown) return;
  document.getElementById("ledger-links").replaceChildren(...(items.length
    ? items.map(i => el("li", {}, el("a", { href: `/ledger.html?zone=${encodeURIComponent(card.zoneCode)}#item-${i.id}` }, `${i.number} ${i.problem.slice(0, 40)}`)))
    : [el("li", {}, "无 None")]));
}

// The panel shows the latest parcel asked for: a slower answer to an earlier click is dropped.
let detailsShown = 0;

async function showDetails(id) {
  const shown = ++detailsShown;
  const panel = document.getElementById("details");
  const card = await api(`/api/parcels/${encodeURIComponent(id)}/card`);
  const then = state.asOf ? await api(`/api/parcels/${encodeURIComponent(id)}?asOf=${encodeURIComponent(asOfInstant())}`).catch(() => null) : null;
  if (shown !== detailsShown) return;
  document.getElementById("details-code").textContent = card.code;
  const list = document.getElementById("details-fields");
  list.replaceChildren();
  if ("name" in card) field(list, "名称", "Name", card.name);
  field(list, "状态", "Status", STATUS_NAMES[card.status] || card.status);
  if (state.asOf) field(list, `${state.asOf} 状态`, "Status then", then ? STATUS_NAMES[then.properties.status] : "尚未登记 Not yet registered", "then");
  field(list, "规划用途", "Planned use", useText(card.plannedUse, card.plannedUseName));
  field(list, "实际用途", "Actual use", useText(card.actualUse, card.actualUseName));
  field(list, "园区", "Park", card.parkName ? `${card.parkName} (${card.parkCode})` : card.parkCode);
  field(list, "面积", "Area", `${card.areaMu.toFixed(2)} 亩 mu`);
  if ("holder" in card) {
    const holder = card.holder;
    field(list, "用地单位", "Holder", holder ? `${holder.name} (${holder.creditCode})` : null, "confidential");
    const tax = holder && holder.taxPerMuWan !== null && holder.taxPerMuWan !== undefined
      ? `${Number(holder.taxPerMuWan).toFixed(2)} 万元/亩 (${holder.year}${holder["class"] ? `, ${holder["class"]} 类` : ""})` : null;
    field(list, "亩均税收", "Tax per mu", tax, "confidential");
  }
  panel.dataset.parcel = String(card.id);
  panel.hidden = false;
  state.map.setFilter("parcels-selected", ["==", ["id"], card.id]);
  await Promise.all([showHistory(card.id, shown), showLedgerLinks(card, shown)]);
}

function closeDetails() {
  document.getElementById("details").hidden = true;
  state.map.setFilter("parcels-selected", ["==", ["id"], -1]);
}
document.getElementById("close-details").addEventListener("click", closeDetails);

// ----- search

let searchTimer = null;
let lastResults = [];

async function search(text) {
  const list = document.getElementById("search-results");
  if (!text.trim()) { list.replaceChildren(); lastResults = []; return; }
  const found = await api(`/api/parcels/lookup?q=${encodeURIComponent(text.trim())}&limit=10${zoneQuery()}`);
  lastResults = found.items;
  list.replaceChildren(...(found.items.length ? found.items.map((item, i) => {
    const who = item.holderName ? ` · ${item.holderName}` : item.name ? ` · ${item.name}` : "";
    const button = el("button", { type: "button" }, `${item.code} `, el("span", {}, `${STATUS_NAMES[item.status] || item.status}${who}`));
    button.dataset.parcel = String(item.id);
    button.addEventListener("click", () => goTo(item));
    button.addEventListener("keydown", event => {
      const buttons = [...list.querySelectorAll("button")];
      if (event.key === "ArrowDown") { event.preventDefault(); (buttons[i + 1] || buttons[0]).focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (buttons[i - 1] || document.getElementById("search")).focus(); }
    });
    return el("li", {}, button);
  }) : [el("li", { className: "none" }, "未找到 Nothing found")]));
}

async function goTo(item) {
  document.getElementById("search-results").replaceChildren();
  fit(item.bbox, true);
  state.map.once("idle", async () => {
    try { await showDetails(item.id); } catch (error) { message(error.message); }
  });
}

document.getElementById("search").addEventListener("input", event => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(event.target.value).catch(error => message(error.message)), 250);
});
document.getElementById("search").addEventListener("keydown", event => {
  if (event.key === "ArrowDown") { event.preventDefault(); const first = document.querySelector("#search-results button"); if (first) first.focus(); }
});
document.getElementById("search-form").addEventListener("submit", async event => {
  event.preventDefault();
  clearTimeout(searchTimer);
  try {
    await search(document.getElementById("search").value);
    if (lastResults.length) await goTo(lastResults[0]);
  } catch (error) { message(error.message); }
});
document.addEventListener("keydown", event => {
  if (event.key !== "Escape") return;
  document.getElementById("search-results").replaceChildren();
  if (!document.getElementById("details").hidden) closeDetails();
});

// ----- the date control

function setAsOf(day) {
  state.asOf = day;
  document.getElementById("as-of").value = day;
  const note = document.getElementById("as-of-note");
  note.hidden = !day;
  note.textContent = day ? `宗地按 ${day} 的状态绘制；连片净地为当前 · Parcels as they stood on ${day}; reserve blocks as of today.` : "";
  const suffix = day ? `?asOf=${encodeURIComponent(asOfInstant())}` : "";
  state.map.getSource("parcels").setTiles([`${location.origin}/tiles/parcels/{z}/{x}/{y}.mvt${suffix}`]);
  if (!document.getElementById("details").hidden) showDetails(document.getElementById("details").dataset.parcel).catch(error => message(error.message));
  viewChanged();
}

document.getElementById("as-of").max = new Date().toISOString().slice(0, 10);
document.getElementById("as-of").addEventListener("change", event => setAsOf(event.target.value));
document.getElementById("today").addEventListener("click", () => setAsOf(""));

// ----- start

async function start() {
  message("");
  try {
    const [me, zones, parks, settings] = await Promise.all(
      [api("/api/keys/current"), api("/api/zones"), api("/api/parks?limit=1000"), api("/api/map/settings")]);
    keyAccepted();
    state.me = me;
    state.zones = zones.items;
    state.parks = parks.items;
    // One zone: that one. Several: the first that has parcels, fitted to them (all of them may lie far apart).
    const first = state.zones.find(z => z.bbox) || state.zones[0];
    state.zone = first ? first.code : "";
    buildLegend();
    document.getElementById("base-map-note").textContent = settings.baseMap
      ? `底图 Base map: ${settings.baseMap.attribution || "—"}`
      : "未配置底图（Map:BaseMap:Url）· No base map is configured.";
    if (state.map) state.map.remove();
    const box = zoneBox() || [73, 18, 135, 54];
    const map = new maplibregl.Map({
      container: "map",
      style: style(settings),
      bounds: [[box[0], box[1]], [box[2], box[3]]],
      fitBoundsOptions: { padding: { top: 30, bottom: 30, left: 300, right: 30 }, maxZoom: 17 },
      maxZoom: 19,
      attributionControl: settings.baseMap ? { compact: true } : false,
      transformRequest: url => (url.startsWith(location.origin) ? { url, headers: headers() } : { url }),
    });
    state.map = window.landRegisterMap = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "bottom-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    map.on("error", event => {
      const status = event.error && event.error.status;
      if (status === 401) askForKey("密钥无效或已过期 · The key is unknown, revoked or expired.");
    });
    map.on("click", async event => {
      const hit = map.queryRenderedFeatures(event.point, { layers: ["parcels-fill"] })[0];
      if (!hit) return;
      try { await showDetails(hit.id); } catch (error) { message(error.message); }
    });
    map.on("mouseenter", "parcels-fill", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "parcels-fill", () => { map.getCanvas().style.cursor = ""; });
    map.once("load", async () => {
      applyFilter();
      try { await addReserveLabels(); } catch (error) { message(error.message); }
      // Ready (for people and for the tests) whenever the map has drawn everything it asked for.
      map.on("idle", () => { updateCodeLabels(); document.body.dataset.state = "ready"; });
      map.triggerRepaint();
      viewChanged();
    });
  } catch (error) {
    failed(error);
  }
}

page.onKey = start;

if (typeof maplibregl === "undefined") {
  message("MapLibre GL 未安装：在 web/ 中运行 npm ci · MapLibre GL is not installed: run npm ci in web/.");
  document.body.dataset.state = "failed";
} else {
  start();
}
