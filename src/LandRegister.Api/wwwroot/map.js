// The register's map page: parcels coloured by status, reserve blocks with their areas, park boundaries, a filter
// by status and park, and a details panel on click. Everything comes from this API's tiles and JSON; no base map
// is fetched from elsewhere, so the page works on a closed network. The key handling is page.js's.
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
const state = { statuses: new Set(STATUSES.map(s => s[0])), park: "", map: null, markers: [] };

function buildLegend(parks) {
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
  const select = document.getElementById("park");
  select.replaceChildren(el("option", { value: "" }, "全部 All"),
    ...parks.map(p => el("option", { value: p.code }, `${p.name} (${p.code})`)));
  select.value = state.park;
  select.onchange = () => { state.park = select.value; applyFilter(); };
}

function parcelFilter() {
  const filter = ["all", ["in", ["get", "status"], ["literal", [...state.statuses]]]];
  if (state.park) filter.push(["==", ["get", "parkCode"], state.park]);
  return filter;
}

function applyFilter() {
  for (const layer of ["parcels-fill", "parcels-line"]) state.map.setFilter(layer, parcelFilter());
  state.map.setFilter("parks-line", state.park ? ["==", ["get", "code"], state.park] : null);
}

function style() {
  const origin = location.origin;
  const statusColour = ["match", ["get", "status"], ...STATUSES.flatMap(([code, , , colour]) => [code, colour]), "#cccccc"];
  return {
    version: 8,
    sources: {
      parks: { type: "vector", url: `${origin}/tiles/parks.json` },
      parcels: { type: "vector", url: `${origin}/tiles/parcels.json` },
      reserves: { type: "vector", url: `${origin}/tiles/reserves.json` },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#f4f1ea" } },
      { id: "parks-fill", type: "fill", source: "parks", "source-layer": "parks", paint: { "fill-color": "#efe7d3", "fill-opacity": 0.6 } },
      { id: "parcels-fill", type: "fill", source: "parcels", "source-layer": "parcels", paint: { "fill-color": statusColour, "fill-opacity": 0.85 } },
      { id: "parcels-line", type: "line", source: "parcels", "source-layer": "parcels", paint: { "line-color": "#37474f", "line-width": 0.5 } },
      {
        id: "parcels-selected", type: "line", source: "parcels", "source-layer": "parcels", filter: ["==", ["id"], -1],
        paint: { "line-color": "#000", "line-width": 3 },
      },
      { id: "reserves-line", type: "line", source: "reserves", "source-layer": "reserves", paint: { "line-color": "#1b5e20", "line-width": 3 } },
      { id: "parks-line", type: "line", source: "parks", "source-layer": "parks", paint: { "line-color": "#5d4037", "line-width": 2, "line-dasharray": [3, 2] } },
    ],
  };
}

// A label point for a block: the centre of its largest ring's bounding box, which for the blocks' compact
// shapes falls inside them (no glyphs are needed: the label is an HTML marker).
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

function field(list, zh, en, value, className) {
  list.append(el("dt", {}, `${zh} `, el("span", {}, en)), el("dd", { className: className || "" }, value === null || value === undefined || value === "" ? "—" : String(value)));
}

function useText(code, name) {
  if (!code) return null;
  return name ? `${code} ${name.zh} · ${name.en}` : code;
}

async function showDetails(id) {
  const panel = document.getElementById("details");
  const card = await api(`/api/parcels/${encodeURIComponent(id)}/card`);
  document.getElementById("details-code").textContent = card.code;
  const list = document.getElementById("details-fields");
  list.replaceChildren();
  if ("name" in card) field(list, "名称", "Name", card.name);
  field(list, "状态", "Status", STATUS_NAMES[card.status] || card.status);
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
}

document.getElementById("close-details").addEventListener("click", () => {
  document.getElementById("details").hidden = true;
  state.map.setFilter("parcels-selected", ["==", ["id"], -1]);
});

async function start() {
  message("");
  try {
    const [tilejson, parks] = await Promise.all([api("/tiles/parcels.json"), api("/api/parks?limit=1000")]);
    keyAccepted();
    buildLegend(parks.items);
    if (state.map) state.map.remove();
    const map = new maplibregl.Map({
      container: "map",
      style: style(),
      bounds: tilejson.bounds,
      fitBoundsOptions: { padding: { top: 30, bottom: 30, left: 290, right: 30 } },
      maxZoom: 19,
      attributionControl: false,
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
      map.on("idle", () => { document.body.dataset.state = "ready"; });
      map.triggerRepaint();
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
