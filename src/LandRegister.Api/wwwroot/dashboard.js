// The dashboard beside the map: the figures leadership reads, drawn by Apache ECharts from the statistics endpoints,
// for the zone, park and day the map shows. A chart of enterprise figures (per-mu tax, rent arrears) is drawn only for
// a key cleared to read them; nothing else is asked for. The charts are kept in window.landRegisterCharts.
"use strict";

const dashboard = { shown: false, charts: {}, loading: null };
window.landRegisterCharts = dashboard.charts;

const METHODS = {
  technical_upgrade: "技改扩能 Upgrade", merger: "兼并重组 Merger", transfer: "转让 Transfer", lease: "出租 Lease",
  redevelopment: "二次开发 Redevelopment", reclaimed: "收回 Reclaimed", not_recorded: "未记录 Not recorded",
};

function chartBox(id, zh, en) {
  const box = el("div", { className: "chart" });
  const figure = el("figure", { id: `chart-${id}` }, el("figcaption", {}, `${zh} `, el("span", {}, en)), box);
  document.getElementById("charts").append(figure);
  const chart = echarts.init(box, null, { renderer: "canvas" });
  dashboard.charts[id] = chart;
  return chart;
}

const bar = (categories, series, extra) => Object.assign({
  animation: false,
  tooltip: { trigger: "axis" },
  legend: { type: "scroll", bottom: 0, textStyle: { fontSize: 11 } },
  grid: { left: 50, right: 16, top: 16, bottom: 48 },
  xAxis: { type: "category", data: categories, axisLabel: { fontSize: 11 } },
  yAxis: { type: "value", axisLabel: { fontSize: 11 } },
  series,
}, extra || {});

function round(value) { return Math.round(value * 100) / 100; }

function query(extra) {
  const zone = state.zone || (state.zones[0] && state.zones[0].code) || "";
  const parts = [`zone=${encodeURIComponent(zone)}`];
  if (state.park && extra.park) parts.push(`park=${encodeURIComponent(state.park)}`);
  if (state.asOf && extra.asOf) parts.push(`asOf=${encodeURIComponent(asOfInstant())}`);
  return parts.join("&");
}

async function statusChart() {
  const stats = await api(`/api/statistics/parcels?${query({ park: true, asOf: true })}`);
  const parks = stats.parks.map(p => p.parkCode);
  const series = STATUSES.map(([code, zh, en, colour]) => ({
    id: code, name: `${zh} ${en}`, type: "bar", stack: "area", itemStyle: { color: colour },
    data: stats.parks.map(p => round((p.byStatus.find(t => t.key === code) || { areaMu: 0 }).areaMu)),
  })).filter(s => s.data.some(v => v > 0));
  dashboard.charts.status.setOption(bar(parks, series), true);
}

async function revitalizedChart() {
  const stats = await api(`/api/statistics/revitalized?${query({ park: true })}`);
  const years = stats.years.map(y => String(y.year));
  const methods = [...new Set(stats.years.flatMap(y => y.byMethod.map(m => m.key)))];
  const series = methods.map(method => ({
    id: method, name: METHODS[method] || method, type: "bar", stack: "area",
    data: stats.years.map(y => round((y.byMethod.find(m => m.key === method) || { areaMu: 0 }).areaMu)),
  }));
  dashboard.charts.revitalized.setOption(bar(years, series), true);
}

async function reserveChart() {
  const target = await api(`/api/reserves/target?${query({})}`);
  const blocks = target.blocks;
  dashboard.charts.reserves.setOption(bar(blocks.map(b => b.blockId), [{
    id: "blocks", name: target.met ? "达标 Met" : "未达标 Not met", type: "bar", itemStyle: { color: "#43a047" },
    data: blocks.map(b => round(b.areaMu)),
    markLine: { symbol: "none", label: { position: "insideEndTop", formatter: `目标 ${target.target.minAreaMu} 亩 × ${target.target.minBlocks}` }, data: [{ yAxis: target.target.minAreaMu }] },
  }]), true);
}

// Per-mu tax of the ranked enterprises, in bins, against the scheme's benchmark: an enterprise figure.
async function taxChart() {
  const summary = await api(`/api/evaluation/summary?${query({})}`);
  const results = await api(`/api/evaluation/results?${query({})}&year=${summary.year}&limit=1000`);
  const taxes = results.items.filter(r => r.rank !== null && r.taxPerMu !== null).map(r => Number(r.taxPerMu));
  const top = Math.max(1, ...taxes);
  const width = Math.max(1, Math.ceil(top / 10));
  const bins = Array.from({ length: Math.ceil((top + 1e-9) / width) }, (_, i) => i * width);
  const counts = bins.map(low => taxes.filter(t => t >= low && t < low + width).length);
  const benchmark = summary.zone.benchmarkTaxPerMu;
  const chart = dashboard.charts.tax;
  document.querySelector("#chart-tax figcaption").replaceChildren(`亩均税收分布（${summary.year}年，万元/亩） `,
    el("span", {}, `Tax per mu of the ranked enterprises, ${summary.year}`));
  chart.setOption(bar(bins.map(b => `${b}–${b + width}`), [{
    id: "enterprises", name: "企业数 Enterprises", type: "bar", itemStyle: { color: "#5c6bc0" }, data: counts,
    markLine: benchmark === null || benchmark === undefined ? undefined : {
      symbol: "none", label: { position: "insideEndTop", formatter: `基准 ${benchmark}` },
      data: [{ xAxis: bins.findIndex(b => benchmark >= b && benchmark < b + width) }],
    },
  }]), true);
  chart.landRegister = { year: summary.year, taxPerMu: summary.zone.taxPerMu, benchmark, ranked: taxes.length };
}

async function arrearsChart() {
  const day = state.asOf ? `&asOf=${state.asOf}` : "";
  const arrears = await api(`/api/leases/arrears?${query({})}${day}`);
  const t = arrears.total;
  dashboard.charts.arrears.setOption(bar(["0–30天", "31–90天", "91–180天", "181–365天", "1年以上"], [{
    id: "owed", name: "欠缴 Owed", type: "bar", itemStyle: { color: "#c62828" },
    data: [t.days0To30, t.days31To90, t.days91To180, t.days181To365, t.over365],
  }]), true);
}

async function drawDashboard() {
  if (!dashboard.shown || !state.me) return;
  const section = document.getElementById("dashboard");
  section.dataset.state = "loading";
  const zone = state.zones.find(z => z.code === (state.zone || (state.zones[0] && state.zones[0].code)));
  document.getElementById("dashboard-scope").textContent =
    `${zone ? zone.name : ""}${state.park ? ` · ${state.park}` : ""} · ${state.asOf || "今天 today"}`;
  const confidential = state.me.audience === "confidential";
  // The charts this key may see, in a fixed order; enterprise figures only for keys cleared for them.
  const charts = [
    ["status", "各园区宗地状态（亩）", "Land by status per park (mu)", statusChart],
    ["revitalized", "历年盘活土地（亩，按方式）", "Land revitalized per year by method (mu)", revitalizedChart],
    ["reserves", "集中连片净地与目标（亩）", "Contiguous clean-land blocks against the target (mu)", reserveChart],
    ...(may("enterprises.read") && confidential ? [["tax", "亩均税收分布（万元/亩）", "Tax per mu of the ranked enterprises", taxChart]] : []),
    ...(may("leases.read") && confidential ? [["arrears", "欠租账龄（元）", "Rent arrears by age (yuan)", arrearsChart]] : []),
  ];
  for (const [id, zh, en] of charts) if (!dashboard.charts[id]) chartBox(id, zh, en);
  const work = charts.map(([, , , draw]) => draw());
  try {
    await Promise.all(work);
    for (const chart of Object.values(dashboard.charts)) chart.resize();
    section.dataset.state = "ready";
  } catch (error) {
    message(error.message);
    section.dataset.state = "failed";
  }
}

function toggleDashboard() {
  dashboard.shown = !dashboard.shown;
  const button = document.getElementById("toggle-dashboard");
  button.setAttribute("aria-pressed", String(dashboard.shown));
  document.getElementById("dashboard").hidden = !dashboard.shown;
  document.body.classList.toggle("with-dashboard", dashboard.shown);
  if (state.map) state.map.resize();
  drawDashboard();
}

document.getElementById("toggle-dashboard").addEventListener("click", toggleDashboard);
onViewChange(() => drawDashboard());
window.addEventListener("resize", () => { for (const chart of Object.values(dashboard.charts)) chart.resize(); });
