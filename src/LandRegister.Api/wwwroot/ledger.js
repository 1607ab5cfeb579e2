// The ledger page: a zone's rectification items, counted by status and category, then listed overdue first, each
// with the progress of the targets the register measures itself beside the status typed into the ledger.
"use strict";

const STATUSES = [
  ["not_started", "未启动", "Not started"],
  ["in_progress", "推进中", "In progress"],
  ["phase_completed", "阶段性完成", "Phase completed"],
  ["completed", "完成", "Completed"],
  ["closed", "已销号", "Closed"],
];
const CATEGORIES = [
  ["reserves", "储备用地", "Reserves"], ["idle_land", "闲置土地", "Idle land"], ["low_efficiency", "低效用地", "Low efficiency"],
  ["contracts", "出让合同", "Contracts"], ["rent", "租金", "Rent"], ["use_change", "改变用途", "Use change"],
  ["premises", "房屋", "Premises"], ["institutions", "机制建设", "Institutions"], ["other", "其他", "Other"],
];
const names = list => Object.fromEntries(list.map(([code, zh, en]) => [code, { zh, en }]));
const STATUS = names(STATUSES), CATEGORY = names(CATEGORIES);

function bilingual(name, code) {
  return name ? el("span", { className: "name" }, `${name.zh} `, el("span", {}, name.en)) : code;
}

async function allItems(zone, source, overdue) {
  const items = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ zone, limit: "500" });
    if (source) query.set("source", source);
    if (overdue) query.set("overdue", "true");
    if (cursor) query.set("cursor", cursor);
    const page = await api(`/api/ledger/items?${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

function summary(items) {
  const used = CATEGORIES.filter(([code]) => items.some(i => i.category === code));
  const count = (status, category) => items.filter(i => i.status === status && (!category || i.category === category)).length;
  const head = el("tr", {}, el("th", {}, "类别 ", el("span", {}, "Category")),
    ...STATUSES.map(([code]) => el("th", {}, bilingual(STATUS[code]))), el("th", {}, "逾期 ", el("span", {}, "Overdue")));
  const row = (label, filter) => {
    const subset = items.filter(filter);
    return el("tr", {}, el("th", {}, label),
      ...STATUSES.map(([code]) => el("td", { className: `status-${code}` }, String(subset.filter(i => i.status === code).length))),
      el("td", { className: "overdue" }, String(subset.filter(i => i.overdue).length)));
  };
  document.getElementById("summary").replaceChildren(el("thead", {}, head),
    el("tbody", {}, ...used.map(([code]) => row(bilingual(CATEGORY[code]), i => i.category === code))),
    el("tfoot", {}, row("合计 Total", () => true)));
  return count;
}

function target(t) {
  const share = t.of > 0 ? Math.min(1, t.value / t.of) : (t.met ? 1 : 0);
  const bar = el("progress", { max: 1, value: share });
  const figure = t.of === 1 && (t.value === 0 || t.value === 1) ? (t.met ? "达成 met" : "未达成 not met") : `${t.value} / ${t.of}`;
  const item = el("li", { className: t.met ? "met" : "unmet" }, bar, el("span", { className: "figure" }, figure), el("span", {}, t.description));
  item.dataset.kind = t.kind;
  return item;
}

function card(item) {
  const flags = [];
  if (item.overdue) flags.push(el("b", { className: "flag overdue" }, "逾期 Overdue"));
  if (item.inconsistent) flags.push(el("b", { className: "flag inconsistent", title: "标为完成，但登记簿中的目标未达成 · Marked completed while a target is unmet" }, "不一致 Inconsistent"));
  const deadline = item.longTerm ? "长期 Long term" : item.deadline;
  const node = el("li", { className: `item status-${item.status}` },
    el("header", {}, el("span", { className: "number" }, item.number), el("span", { className: "badge" }, bilingual(STATUS[item.status], item.status)),
      el("span", { className: "category" }, bilingual(CATEGORY[item.category], item.category)), ...flags),
    el("p", { className: "problem" }, item.problem),
    el("p", { className: "meta" }, `完成时限 Deadline: ${deadline ?? "—"} · 责任单位 Lead: ${item.leadUnit}`),
    item.latestProgress ? el("p", { className: "progress" }, item.latestProgress) : null,
    item.targets.length ? el("ul", { className: "targets" }, ...item.targets.map(target)) : null);
  node.dataset.item = String(item.id);
  node.id = `item-${item.id}`;
  node.dataset.number = item.number;
  return node;
}

async function show() {
  const zone = document.getElementById("zone").value;
  const source = document.getElementById("source").value;
  const items = await allItems(zone, source, document.getElementById("overdue").checked);
  summary(items);
  document.getElementById("count").textContent = `(${items.length})`;
  document.getElementById("items").replaceChildren(...items.map(card));
  // A link from the map's details panel names an item: show it.
  const linked = location.hash.startsWith("#item-") ? document.getElementById(location.hash.slice(1)) : null;
  if (linked) { linked.classList.add("linked"); linked.scrollIntoView({ block: "center" }); }
  document.body.dataset.state = "ready";
}

async function sources(zone) {
  const list = await api(`/api/ledger/sources?zone=${encodeURIComponent(zone)}`);
  const select = document.getElementById("source");
  select.replaceChildren(el("option", { value: "" }, "全部 All"),
    ...list.items.map(s => el("option", { value: String(s.id) }, `${s.title} (${s.issuedOn})`)));
}

async function start() {
  message("");
  try {
    const zones = await api("/api/zones");
    keyAccepted();
    const select = document.getElementById("zone");
    select.replaceChildren(...zones.items.map(z => el("option", { value: z.code }, `${z.name} (${z.code})`)));
    const wanted = new URLSearchParams(location.search).get("zone");
    if (wanted && zones.items.some(z => z.code === wanted)) select.value = wanted;
    await sources(select.value);
    await show();
  } catch (error) {
    failed(error);
  }
}

async function refresh(changedZone) {
  document.body.dataset.state = "loading";
  try {
    if (changedZone) await sources(document.getElementById("zone").value);
    await show();
  } catch (error) {
    failed(error);
  }
}

document.getElementById("zone").addEventListener("change", () => refresh(true));
document.getElementById("source").addEventListener("change", () => refresh(false));
document.getElementById("overdue").addEventListener("change", () => refresh(false));
document.getElementById("filters").addEventListener("submit", event => event.preventDefault());

page.onKey = start;
start();
