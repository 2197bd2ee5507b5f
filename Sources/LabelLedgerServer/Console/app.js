// The review console: a hash router over views that call the public HTTP API only.
import { APIError, call, checkResults, datasetPath, projectPath, session, thumbnailURL } from "./api.js";
import { h, fill, showError, clearErrors, notice } from "./dom.js";
import { barChart } from "./charts.js";
import { sampleView } from "./sample.js";
import { autoView } from "./auto.js";

const view = document.getElementById("view");
const crumbs = document.getElementById("crumbs");

/** What the current screen handles on keydown (none: only the global keys). */
let screenKeys = null;
/** Called when the screen is left (stops its event stream, say). */
let screenCleanup = null;

export const TABS = [
  { key: "all", title: "All" },
  { key: "labeled", title: "Labeled" },
  { key: "unlabeled", title: "Unlabeled" },
  { key: "confirm", title: "To Be Confirmed" },
];

/** The last grid page shown: the sample view's n / p walk it. */
export const browsing = { datasetID: null, tab: "all", ids: [], query: "" };

export function setKeys(handler) { screenKeys = handler; }
export function onLeave(cleanup) { screenCleanup = cleanup; }

export function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

function parseHash() {
  const [path, search = ""] = location.hash.replace(/^#/, "").split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function setCrumbs(...items) {
  fill(crumbs, ...items.flatMap((item, index) => [
    index ? h("span", { "aria-hidden": "true" }, "›") : null,
    item.href ? h("a", { href: item.href }, item.text) : h("span", {}, item.text),
  ]));
}

/** Runs an async action, showing any error with its code; resolves to undefined on failure. */
export async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    if (error.name === "AbortError") return undefined;
    if (error.status === 401) { session.clear(); showError(error); go("#/login"); return undefined; }
    showError(error);
    return undefined;
  }
}

async function route() {
  if (screenCleanup) { try { screenCleanup(); } catch { /* ignore */ } }
  screenCleanup = null;
  screenKeys = null;
  const { parts, query } = parseHash();
  document.getElementById("session").textContent = session.token ? `project ${session.project}` : "";
  if (!session.token || parts[0] === "login") return loginView();
  fill(view, h("p", { class: "muted" }, "Loading…"));
  if (parts[0] === "d" && parts[1]) {
    const datasetID = parts[1];
    if (parts[2] === "s" && parts[3]) return sampleView(view, datasetID, parts[3], query);
    if (parts[2] === "auto") return autoView(view, datasetID);
    return datasetView(datasetID, TABS.some((t) => t.key === parts[2]) ? parts[2] : "all", query);
  }
  return datasetsView();
}

// MARK: - Sign in

function loginView() {
  setCrumbs({ text: "Sign in" });
  const token = h("input", { id: "token", type: "password", autocomplete: "off", required: true, size: 40 });
  const project = h("input", { id: "project", value: session.project || "demo", required: true });
  const form = h("form", { class: "panel stack", onsubmit: async (event) => {
    event.preventDefault();
    session.save(token.value.trim(), project.value.trim());
    const ok = await attempt(() => call("GET", projectPath("/datasets")));
    if (ok) { clearErrors(); go("#/"); } else session.clear();
  } },
    h("h1", {}, "Sign in"),
    h("p", { class: "muted" }, "The token is kept in this browser tab's session only (sessionStorage) and sent as Authorization: Bearer."),
    h("label", {}, "Token ", token),
    h("label", {}, "Project ", project),
    h("div", {}, h("button", { type: "submit", id: "sign-in" }, "Sign in")));
  fill(view, form);
  token.focus();
}

// MARK: - Datasets

export const TYPE_NAMES = { 0: "Image classification", 1: "Object detection" };

async function datasetsView() {
  setCrumbs({ text: "Datasets" });
  const answer = await attempt(() => call("GET", projectPath("/datasets")));
  if (!answer) { fill(view, h("p", {}, "The datasets could not be loaded.")); return; }
  const rows = answer.datasets || [];
  let cursor = 0;
  const body = h("tbody");
  function render() {
    fill(body, ...rows.map((d, index) => {
      const stats = d.sample_stats || {};
      return h("tr", { class: index === cursor ? "cursor" : "", dataset: { id: d.dataset_id } },
        h("td", {}, h("a", { href: `#/d/${encodeURIComponent(d.dataset_id)}/all`, class: "dataset-link" }, d.dataset_name)),
        h("td", {}, TYPE_NAMES[d.dataset_type] || d.dataset_type),
        h("td", {}, (d.labels || []).map((l) => h("span", { class: "chip" }, swatch(l), l.name))),
        h("td", {}, `${stats.total ?? 0} total · ${stats.manual_annotation ?? 0} labeled · ${stats.un_annotation ?? 0} unlabeled · ${stats.auto_annotation ?? 0} to confirm`),
        h("td", {}, h("button", { type: "button", class: "danger delete-dataset", onclick: () => remove(d) }, "Delete")));
    }));
  }
  async function remove(dataset) {
    if (!confirm(`Delete dataset "${dataset.dataset_name}"? Its history stays in the log; the id is never reused.`)) return;
    const done = await attempt(() => call("DELETE", datasetPath(dataset.dataset_id), { ifMatch: dataset.version }));
    if (done) { notice(`Deleted ${dataset.dataset_name}`); datasetsView(); }
  }
  render();
  fill(view, 
    h("div", { class: "row spread" }, h("h1", {}, "Datasets"), h("button", { type: "button", id: "new-dataset", onclick: () => createForm() }, "New dataset (n)")),
    rows.length ? h("table", { class: "list", id: "datasets" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Type"), h("th", {}, "Labels"), h("th", {}, "Samples"), h("th", {}, ""))), body)
      : h("p", { class: "muted" }, "No datasets yet: create one."),
    h("div", { id: "create-slot" }));
  setKeys((event) => {
    if (event.key === "n") { createForm(); return true; }
    if (!rows.length) return false;
    if (event.key === "ArrowDown" || event.key === "j") { cursor = Math.min(rows.length - 1, cursor + 1); render(); return true; }
    if (event.key === "ArrowUp" || event.key === "k") { cursor = Math.max(0, cursor - 1); render(); return true; }
    if (event.key === "Enter" || event.key === "o") { go(`#/d/${encodeURIComponent(rows[cursor].dataset_id)}/all`); return true; }
    return false;
  });
}

export function swatch(label) {
  const colour = (label.property || {})["@modelarts:color"] || "#888888";
  const element = h("span", { class: "swatch", "aria-hidden": "true" });
  element.style.background = colour;
  return element;
}

const PALETTE = ["#E6194B", "#3CB44B", "#FFE119", "#4363D8", "#F58231", "#911EB4", "#42D4F4", "#F032E6", "#BFEF45"];

function createForm() {
  const slot = document.getElementById("create-slot");
  const name = h("input", { id: "dataset-name", required: true, pattern: "[A-Za-z0-9_\\-]{1,100}", title: "1–100 of A–Z a–z 0–9 _ -" });
  const type = h("select", { id: "dataset-type" }, h("option", { value: "0" }, "Image classification"), h("option", { value: "1" }, "Object detection"));
  const description = h("input", { id: "dataset-description", maxlength: 1024, size: 50 });
  const labelRows = h("div", { class: "label-rows" });
  function addLabel(value = "") {
    const index = labelRows.children.length;
    const labelName = h("input", { class: "label-name", value, placeholder: `label ${index + 1}`, "aria-label": `Label ${index + 1} name` });
    const colour = h("input", { type: "color", class: "label-colour", value: PALETTE[index % PALETTE.length].toLowerCase(), "aria-label": `Label ${index + 1} colour` });
    const row = h("div", { class: "row" }, labelName, colour,
      h("button", { type: "button", class: "secondary", onclick: () => row.remove(), "aria-label": "Remove label" }, "Remove"));
    labelRows.append(row);
    return labelName;
  }
  addLabel();
  const form = h("form", { class: "panel stack", id: "create-dataset", onsubmit: async (event) => {
    event.preventDefault();
    const labels = [...labelRows.querySelectorAll(".row")].map((row) => ({
      name: row.querySelector(".label-name").value.trim(),
      property: { "@modelarts:color": row.querySelector(".label-colour").value.toUpperCase() },
    })).filter((l) => l.name);
    const created = await attempt(() => call("POST", projectPath("/datasets"), {
      body: { dataset_name: name.value.trim(), dataset_type: Number(type.value), description: description.value, labels },
    }));
    if (created) { notice(`Created ${name.value}`); go(`#/d/${encodeURIComponent(created.dataset_id)}/all`); }
  } },
    h("h2", {}, "New dataset"),
    h("label", {}, "Name ", name),
    h("label", {}, "Type ", type),
    h("label", {}, "Description ", description),
    h("fieldset", {}, h("legend", {}, "Labels and their colours"), labelRows,
      h("button", { type: "button", class: "secondary", id: "add-label", onclick: () => addLabel().focus() }, "Add label")),
    h("div", { class: "row" }, h("button", { type: "submit", id: "create-dataset-submit" }, "Create"),
      h("button", { type: "button", class: "secondary", onclick: () => fill(slot, ) }, "Cancel")));
  fill(slot, form);
  name.focus();
}

// MARK: - One dataset: stats, tabs, grid, batch work, time travel

function tabRequest(datasetID, tab) {
  if (tab === "confirm") return { path: datasetPath(datasetID, "/auto-annotations/samples"), state: undefined };
  const state = { all: undefined, labeled: "__ALL__", unlabeled: "__NONE__" }[tab];
  return { path: datasetPath(datasetID, "/data-annotations/samples"), state };
}

/** The as-of part of a query: a read-only view of the past when present. */
export function asOf(query) {
  const position = query.get("as_of_position"), time = query.get("as_of_time");
  if (position) return { as_of_position: position };
  if (time) return { as_of_time: time };
  return null;
}

async function datasetView(datasetID, tab, query) {
  const past = asOf(query);
  const [dataset, stats] = await Promise.all([
    attempt(() => call("GET", datasetPath(datasetID), { query: past || undefined })),
    past ? Promise.resolve(null) : attempt(() => call("GET", datasetPath(datasetID, "/data-annotations/stats"))),
  ]);
  if (!dataset) { fill(view, h("p", {}, "This dataset cannot be shown."), h("a", { href: "#/" }, "Back to the datasets")); return; }
  const base = `#/d/${encodeURIComponent(datasetID)}`;
  setCrumbs({ text: "Datasets", href: "#/" }, { text: dataset.dataset_name, href: `${base}/all` }, { text: TABS.find((t) => t.key === tab).title });
  const labels = dataset.labels || [];
  const detection = dataset.dataset_type === 1;
  const keep = new URLSearchParams(query);
  const suffix = keep.toString() ? `?${keep}` : "";

  const header = h("div", { class: "row spread" },
    h("h1", {}, dataset.dataset_name, " ", h("span", { class: "muted" }, `(${TYPE_NAMES[dataset.dataset_type]}, version ${dataset.version})`)),
    h("div", { class: "row" },
      past ? null : h("a", { class: "button", href: `${base}/auto`, id: "auto-link" }, "Auto labeling"),
      timeTravelForm(datasetID, tab, query, dataset)));
  const banner = past ? h("p", { class: "readonly", id: "read-only" },
    `Read-only: the dataset as of ${past.as_of_position ? `log position ${past.as_of_position}` : past.as_of_time} (dataset version ${dataset.version}). `,
    h("a", { href: `${base}/${tab}` }, "Back to now")) : null;

  const charts = h("div", { class: "charts panel", id: "stats" });
  const sampleStats = dataset.sample_stats || {};
  charts.append(barChart("Sample states", [
    { label: "Labeled", value: sampleStats.manual_annotation ?? 0, colour: "#1b6b2a" },
    { label: "Unlabeled", value: sampleStats.un_annotation ?? 0, colour: "#6b7280" },
    { label: "To Be Confirmed", value: sampleStats.auto_annotation ?? 0, colour: "#b45309" },
  ]));
  if (stats) {
    charts.append(barChart("Labels (samples)", (stats.label_stats || []).map((l) => ({
      label: l.name, value: l.sample_count, colour: (l.property || {})["@modelarts:color"],
    }))));
    charts.append(barChart("Hard examples by reason", Object.values(stats.hard_detail_stats || {}).map((r) => ({
      label: `${r.id} ${r.reason}`, value: r.count, colour: "#5c0b0d",
    }))));
  }

  const tabs = h("nav", { class: "tabs", "aria-label": "Tabs" }, TABS.map((t, index) =>
    h("a", { href: `${base}/${t.key}${suffix}`, "aria-current": t.key === tab ? "page" : undefined, id: `tab-${t.key}` }, `${t.title} (${index + 1})`)));

  // Filters: the API's own (label, hard, labeler, score range, name prefix).
  const filterValues = {
    label_name: query.get("label_name") || "", hard: query.get("hard") || "", labeler: query.get("labeler") || "",
    low_score: query.get("low_score") || "", high_score: query.get("high_score") || "", sample_name: query.get("sample_name") || "",
    limit: query.get("limit") || "24",
  };
  const labelFilter = h("select", { name: "label_name", "aria-label": "Label" }, h("option", { value: "" }, "any label"),
    labels.map((l) => h("option", { value: l.name, selected: l.name === filterValues.label_name }, l.name)));
  const hardFilter = h("select", { name: "hard", "aria-label": "Hard" }, h("option", { value: "" }, "hard or not"),
    h("option", { value: "1", selected: filterValues.hard === "1" }, "hard only"), h("option", { value: "0", selected: filterValues.hard === "0" }, "not hard"));
  const filterForm = h("form", { class: "filters", id: "filters", onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of new FormData(filterForm)) if (value) next.set(key, value);
    if (past) for (const [key, value] of Object.entries(past)) next.set(key, value);
    go(`${base}/${tab}?${next}`);
  } },
    labelFilter, hardFilter,
    h("input", { name: "labeler", placeholder: "labeler (person:ana, active-learning, model:m:1)", value: filterValues.labeler, size: 28, "aria-label": "Labeler" }),
    h("label", {}, "score", h("input", { name: "low_score", type: "number", min: 0, max: 1, step: 0.01, value: filterValues.low_score, "aria-label": "Lowest score" }),
      "–", h("input", { name: "high_score", type: "number", min: 0, max: 1, step: 0.01, value: filterValues.high_score, "aria-label": "Highest score" })),
    h("input", { name: "sample_name", placeholder: "name starts with", value: filterValues.sample_name, size: 14, "aria-label": "Name prefix" }),
    h("select", { name: "limit", "aria-label": "Page size" }, ["12", "24", "48", "96"].map((n) => h("option", { value: n, selected: n === filterValues.limit }, `${n} per page`))),
    h("button", { type: "submit" }, "Filter"),
    h("a", { href: `${base}/${tab}${past ? `?${new URLSearchParams(past)}` : ""}` }, "clear"));

  const grid = h("div", { class: "grid", id: "grid", role: "listbox", "aria-multiselectable": "true", tabindex: 0 });
  const pager = h("div", { class: "row", id: "pager" });
  const batch = h("div", { class: "batch", id: "batch" });
  const upload = past ? null : uploadForm(datasetID, () => datasetView(datasetID, tab, query));
  fill(view, header, banner, charts, tabs, filterForm, grid, pager, past ? null : batch, upload);

  // Paging: server-side, by keyset cursor (fast at any depth); the cursors of earlier pages are kept to go back.
  const { path, state } = tabRequest(datasetID, tab);
  const cursors = [null];
  let page = 0;
  let samples = [];
  let cursorIndex = 0;
  let anchor = null;
  const selected = new Set();

  async function load() {
    const params = {
      sample_state: state, limit: filterValues.limit, cursor: cursors[page] || undefined,
      label_name: filterValues.label_name, hard: filterValues.hard, labeler: filterValues.labeler,
      low_score: filterValues.low_score, high_score: filterValues.high_score, sample_name: filterValues.sample_name,
      ...(past || {}),
    };
    if (tab === "confirm") { delete params.labeler; delete params.sample_name; }
    const answer = await attempt(() => call("GET", path, { query: params }));
    if (!answer) return;
    samples = answer.samples || [];
    cursors[page + 1] = answer.next_cursor || null;
    cursorIndex = Math.min(cursorIndex, Math.max(0, samples.length - 1));
    browsing.datasetID = datasetID;
    browsing.tab = tab;
    browsing.ids = samples.map((s) => s.sample_id);
    browsing.query = suffix;
    browsing.docs = new Map(samples.map((s) => [s.sample_id, s]));
    renderGrid();
    renderPager();
    renderBatch();
  }

  function renderGrid() {
    fill(grid, ...samples.map((sample, index) => tile(sample, index)));
    if (!samples.length) grid.append(h("p", { class: "muted" }, "No samples here."));
  }

  function tile(sample, index) {
    const image = h("img", { alt: sample.sample_name, loading: "lazy" });
    const isHard = (sample.metadata || {})["@modelarts:hard"] === 1;
    const names = [...new Set((sample.labels || []).map((l) => l.name))];
    const score = Math.max(...(sample.labels || []).map((l) => l.score ?? -1));
    const check = h("input", { type: "checkbox", class: "check", checked: selected.has(sample.sample_id), tabindex: -1, "aria-label": `Select ${sample.sample_name}`,
      onclick: (event) => { event.stopPropagation(); toggle(index, event.shiftKey); } });
    const element = h("div", {
      class: `tile${index === cursorIndex ? " cursor" : ""}${selected.has(sample.sample_id) ? " selected" : ""}`,
      role: "option", "aria-selected": selected.has(sample.sample_id) ? "true" : "false",
      dataset: { sampleId: sample.sample_id, name: sample.sample_name },
      onclick: (event) => {
        if (event.shiftKey || event.ctrlKey || event.metaKey) { toggle(index, event.shiftKey); return; }
        openSample(sample.sample_id);
      },
    }, past ? null : check, image,
      h("div", { class: "name", title: sample.sample_name }, sample.sample_name),
      h("div", { class: "meta" },
        names.map((n) => h("span", { class: "chip" }, swatch(labels.find((l) => l.name === n) || {}), n)),
        score >= 0 ? h("span", { class: "badge" }, score.toFixed(3)) : null,
        isHard ? h("span", { class: "badge hard" }, "hard") : null,
        detection && sample.labels?.length ? h("span", { class: "badge" }, `${sample.labels.length} ${sample.labels.length === 1 ? "box" : "boxes"}`) : null));
    thumbnailURL(datasetID, sample.sample_id).then((url) => { image.src = url; }).catch((error) => {
      image.replaceWith(h("div", { class: "placeholder", title: error.message }, error.code || "no image"));
    });
    return element;
  }

  function openSample(sampleID) {
    const q = new URLSearchParams(query);
    q.set("tab", tab);
    go(`${base}/s/${encodeURIComponent(sampleID)}?${q}`);
  }

  function toggle(index, range) {
    const id = samples[index].sample_id;
    if (range && anchor !== null) {
      const [from, to] = [Math.min(anchor, index), Math.max(anchor, index)];
      for (let i = from; i <= to; i++) selected.add(samples[i].sample_id);
    } else {
      if (selected.has(id)) selected.delete(id); else selected.add(id);
      anchor = index;
    }
    cursorIndex = index;
    renderGrid();
    renderBatch();
  }

  function renderPager() {
    fill(pager, 
      h("button", { type: "button", class: "secondary", id: "previous-page", disabled: page === 0, onclick: () => { page--; load(); } }, "‹ Previous ([)"),
      h("span", {}, `Page ${page + 1}`),
      h("button", { type: "button", class: "secondary", id: "next-page", disabled: !cursors[page + 1], onclick: () => { page++; load(); } }, "Next (]) ›"));
  }

  function renderBatch() {
    const ids = [...selected];
    const none = ids.length === 0;
    fill(batch, 
      h("span", { id: "selection-count" }, `${ids.length} selected`),
      h("button", { type: "button", class: "secondary", id: "select-page", onclick: selectPage }, "Select page (a)"),
      h("button", { type: "button", class: "secondary", disabled: none, onclick: () => { selected.clear(); renderGrid(); renderBatch(); } }, "Clear"),
      h("button", { type: "button", id: "batch-confirm", disabled: none, onclick: () => batchAction("confirm") }, "Confirm (c)"),
      h("button", { type: "button", id: "batch-reject", class: "danger", disabled: none, onclick: () => batchAction("reject") }, "Reject (x)"),
      h("button", { type: "button", id: "batch-hard", disabled: none, onclick: () => batchAction("hard") }, "Confirm Hard Example (h)"),
      h("button", { type: "button", id: "batch-unhard", class: "secondary", disabled: none, onclick: () => batchAction("unhard") }, "Not hard"));
  }

  function selectPage() {
    const all = samples.every((s) => selected.has(s.sample_id));
    for (const s of samples) { if (all) selected.delete(s.sample_id); else selected.add(s.sample_id); }
    renderGrid();
    renderBatch();
  }

  async function batchAction(kind) {
    const ids = [...selected];
    if (!ids.length) return;
    const done = await attempt(async () => {
      if (kind === "confirm") return checkResults(await call("POST", datasetPath(datasetID, "/data-annotations/samples/confirm"), { body: { samples: ids.map((id) => ({ sample_id: id })) } }));
      if (kind === "reject") return checkResults(await call("POST", datasetPath(datasetID, "/data-annotations/samples/reject"), { body: { samples: ids } }));
      return checkResults(await call("POST", datasetPath(datasetID, "/data-annotations/samples/hard"), { body: { samples: ids, hard: kind === "hard" } }));
    });
    if (done) {
      notice(`${{ confirm: "Confirmed", reject: "Rejected", hard: "Marked hard", unhard: "Cleared the hard mark of" }[kind]} ${ids.length} sample(s)`);
      selected.clear();
      datasetView(datasetID, tab, query);
    }
  }

  setKeys((event) => {
    const columns = Math.max(1, Math.round(grid.clientWidth / 158));
    const key = event.key;
    if (["1", "2", "3", "4"].includes(key)) { go(`${base}/${TABS[Number(key) - 1].key}${suffix}`); return true; }
    if (key === "[" && page > 0) { page--; load(); return true; }
    if (key === "]" && cursors[page + 1]) { page++; load(); return true; }
    if (!samples.length) return false;
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, l: 1, h: undefined };
    if (key in moves && moves[key] !== undefined) {
      cursorIndex = Math.max(0, Math.min(samples.length - 1, cursorIndex + moves[key]));
      renderGrid();
      grid.querySelector(".tile.cursor")?.scrollIntoView({ block: "nearest" });
      return true;
    }
    if (past) {
      if (key === "Enter" || key === "o") { openSample(samples[cursorIndex].sample_id); return true; }
      return false;
    }
    if (key === " ") { toggle(cursorIndex, event.shiftKey); return true; }
    if (key === "Enter" || key === "o") { openSample(samples[cursorIndex].sample_id); return true; }
    if (key === "a") { selectPage(); return true; }
    if (key === "c") { batchAction("confirm"); return true; }
    if (key === "x") { batchAction("reject"); return true; }
    if (key === "h") { batchAction("hard"); return true; }
    return false;
  });
  await load();
  grid.focus();
}

function timeTravelForm(datasetID, tab, query, dataset) {
  const position = h("input", { type: "number", min: 1, id: "as-of-position", placeholder: "position", value: query.get("as_of_position") || "", "aria-label": "As of log position" });
  const time = h("input", { type: "datetime-local", step: 1, id: "as-of-time", "aria-label": "As of time (UTC)" });
  return h("form", { class: "row", id: "time-travel", onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (position.value) next.set("as_of_position", position.value);
    else if (time.value) next.set("as_of_time", new Date(`${time.value}Z`).toISOString().replace(/\.\d{3}Z$/, "Z"));
    else return;
    go(`#/d/${encodeURIComponent(datasetID)}/${tab}?${next}`);
  } }, h("span", { class: "muted" }, `Time travel (now: position ${dataset.position})`), position, h("span", {}, "or"), time,
    h("button", { type: "submit", class: "secondary", id: "time-travel-go" }, "View as of"));
}

/** Adds images chosen in the browser (PNG or JPEG) as samples, in requests of at most 8 MiB. */
function uploadForm(datasetID, done) {
  const files = h("input", { type: "file", id: "upload-files", accept: "image/png,image/jpeg", multiple: true });
  return h("form", { class: "panel row", id: "upload", onsubmit: async (event) => {
    event.preventDefault();
    const chosen = [...files.files];
    if (!chosen.length) return;
    let batch = [], bytes = 0, added = 0;
    async function flush() {
      if (!batch.length) return;
      const answer = await call("POST", datasetPath(datasetID, "/data-annotations/samples"), { body: { samples: batch } });
      checkResults(answer);
      added += batch.length;
      batch = []; bytes = 0;
    }
    const ok = await attempt(async () => {
      for (const file of chosen) {
        const data = await new Promise((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result).split(",")[1]);
          reader.onerror = () => reject(reader.error);
          reader.readAsDataURL(file);
        });
        if (bytes + data.length > 8 << 20) await flush();
        batch.push({ name: file.name, data });
        bytes += data.length;
      }
      await flush();
      return true;
    });
    if (ok) { notice(`Added ${added} image(s)`); done(); }
  } }, h("label", {}, "Add images ", files), h("button", { type: "submit", id: "upload-submit" }, "Upload"));
}

// MARK: - Keys and start

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
  if (event.key === "Escape" && typing) { target.blur(); return; }
  const pressing = (event.key === "Enter" || event.key === " ") && (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement);
  if (pressing || typing || event.ctrlKey || event.metaKey || document.querySelector("dialog[open]")) return;
  if (event.key === "?") { document.getElementById("help").showModal(); event.preventDefault(); return; }
  if (screenKeys && screenKeys(event)) { event.preventDefault(); return; }
  if (event.key === "g") { pendingG = true; setTimeout(() => { pendingG = false; }, 1000); return; }
  if (pendingG && event.key === "d") { pendingG = false; go("#/"); }
});
let pendingG = false;

document.getElementById("help-button").addEventListener("click", () => document.getElementById("help").showModal());
window.addEventListener("hashchange", route);
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof APIError) { showError(event.reason); event.preventDefault(); }
});
route();
