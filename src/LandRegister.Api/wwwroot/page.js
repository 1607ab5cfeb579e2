// What the register's pages share: the API key, asked for when the API answers 401 and kept in sessionStorage (this
// tab only), sent in X-Api-Key with every request to this origin; a small element builder; the status line.
"use strict";

const KEY_ITEM = "landregister.apiKey";

class NeedsKey extends Error {}

const page = { key: sessionStorage.getItem(KEY_ITEM), onKey: null };

// Sent even empty: it tells the API this page asks for the key itself, so the browser is not made to prompt for it.
function headers() {
  return { "X-Api-Key": page.key ?? "" };
}

async function api(path) {
  const response = await fetch(path, { headers: headers() });
  if (response.status === 401) throw new NeedsKey();
  if (response.status === 403) throw new Error("此密钥无权查看 · This key may not read this.");
  if (!response.ok) throw new Error(`${path}: ${response.status} ${response.statusText}`);
  return response.json();
}

function message(text) {
  document.getElementById("message").textContent = text || "";
}

function askForKey(error) {
  const dialog = document.getElementById("key-dialog");
  document.getElementById("key-error").textContent = error || "";
  document.body.dataset.state = "needs-key";
  if (!dialog.open) dialog.showModal();
}

function keyAccepted() {
  const dialog = document.getElementById("key-dialog");
  if (dialog.open) dialog.close();
}

// A failed start: the key dialog when the API wants a key, the message otherwise.
function failed(error) {
  if (error instanceof NeedsKey) askForKey(page.key ? "密钥无效或已过期 · The key is unknown, revoked or expired." : "");
  else { message(error.message); document.body.dataset.state = "failed"; }
}

// The key dialog, the same on every page; the page names its button (data-submit).
(function buildKeyDialog() {
  const dialog = document.getElementById("key-dialog");
  dialog.replaceChildren(el("form", { method: "dialog", id: "key-form" },
    el("h2", {}, "需要 API 密钥 ", el("span", {}, "An API key is needed")),
    el("p", {}, "请输入您的 LandRegister API 密钥。密钥只保存在本浏览器标签页中。", el("br"),
      el("span", {}, "Enter your LandRegister API key. It is kept in this browser tab only.")),
    el("input", { id: "api-key", type: "password", autocomplete: "off", required: true, ariaLabel: "API key" }),
    el("p", { id: "key-error", role: "alert" }),
    el("button", { type: "submit" }, dialog.dataset.submit)));
})();

document.getElementById("key-form").addEventListener("submit", () => {
  page.key = document.getElementById("api-key").value.trim();
  sessionStorage.setItem(KEY_ITEM, page.key);
  if (page.onKey) page.onKey();
});

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, attributes || {});
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}
