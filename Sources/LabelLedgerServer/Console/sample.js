// One sample: its image with boxes, labels by click or keys 1–9, boxes drawn, moved, resized
// and deleted with mouse and keyboard, confirm / reject / hard, and its audit trail beside it.
import { call, checkResults, datasetPath, samplePath, thumbnailURL } from "./api.js";
import { h, fill, notice } from "./dom.js";
import { attempt, asOf, browsing, go, onLeave, setCrumbs, setKeys, swatch, TABS } from "./app.js";

const HANDLE = 7;

export async function sampleView(view, datasetID, sampleID, query) {
  const past = asOf(query);
  const tab = query.get("tab") || "all";
  const base = `#/d/${encodeURIComponent(datasetID)}`;
  const listQuery = new URLSearchParams(query);
  listQuery.delete("tab");
  const back = `${base}/${tab}${listQuery.toString() ? `?${listQuery}` : ""}`;
  const [dataset, sample] = await Promise.all([
    attempt(() => call("GET", datasetPath(datasetID), { query: past || undefined })),
    past && browsing.docs?.has(sampleID) ? Promise.resolve(browsing.docs.get(sampleID))
      : attempt(() => call("GET", samplePath(datasetID, sampleID))),
  ]);
  if (!dataset || !sample) { fill(view, h("p", {}, "This sample cannot be shown."), h("a", { href: back }, "Back")); return; }
  setCrumbs({ text: "Datasets", href: "#/" }, { text: dataset.dataset_name, href: back },
    { text: TABS.find((t) => t.key === tab)?.title || "All", href: back }, { text: sample.sample_name });
  const labels = dataset.labels || [];
  const detection = dataset.dataset_type === 1;
  const readOnly = Boolean(past);
  const toBeConfirmed = sample.sample_status === "__AUTO_ANNOTATION__";
  const size = (sample.metadata || {})["@modelarts:size"] || [];
  const hard = (sample.metadata || {})["@modelarts:hard"] === 1;

  // The working copy: what Enter saves or confirms.
  let working = (sample.labels || []).map((l) => ({
    name: l.name, score: l.score,
    box: ((l.property || {})["@modelarts:coordinates"] || null)?.flat(),
  }));
  let selectedBox = working.length && detection ? 0 : -1;
  let currentLabel = 0;
  let dirty = false;
  let leaveArmed = false;

  const canvas = h("canvas", { id: "canvas", tabindex: 0, "aria-label": `Image ${sample.sample_name}; boxes are listed beside it` });
  const context = canvas.getContext("2d");
  const image = new Image();
  let scale = 1;
  // Canvas pixels per image pixel: a small image shown large gets a finer canvas, so that
  // captions and handles are drawn sharp instead of blown up with the image.
  let dense = 1;
  const labelBar = h("div", { class: "labels", id: "label-buttons", role: "group", "aria-label": "Labels" });
  const boxList = h("ol", { class: "boxes", id: "box-list" });
  const status = h("p", { id: "sample-status", class: "muted", "aria-live": "polite" });
  const trail = h("ul", { class: "trail", id: "trail" });
  const actions = h("div", { class: "row", id: "sample-actions" });

  function colourOf(name) {
    return ((labels.find((l) => l.name === name) || {}).property || {})["@modelarts:color"] || "#ff8c00";
  }

  function mark(changed = true) {
    if (changed) { dirty = true; leaveArmed = false; }
    renderSide();
    draw();
  }

  function renderSide() {
    fill(labelBar, ...labels.slice(0, 9).map((label, index) => {
      const pressed = detection ? index === currentLabel : working.some((l) => l.name === label.name);
      return h("button", { type: "button", "aria-pressed": pressed ? "true" : "false", disabled: readOnly, dataset: { label: label.name },
        onclick: () => { chooseLabel(index); canvas.focus(); } }, swatch(label), ` ${index + 1} ${label.name}`);
    }), labels.length > 9 ? h("span", { class: "muted" }, `${labels.length - 9} more labels: pick them from the list`) : null);
    if (detection) {
      fill(boxList, ...working.map((l, index) => h("li", { class: index === selectedBox ? "selected" : "", dataset: { index } },
        swatch(labels.find((x) => x.name === l.name) || {}), ` ${l.name} [${(l.box || []).join(", ")}]`,
        l.score !== undefined && l.score !== null ? h("span", { class: "badge" }, l.score.toFixed(3)) : null,
        readOnly ? null : h("button", { type: "button", class: "secondary", onclick: () => { working.splice(index, 1); selectedBox = Math.min(selectedBox, working.length - 1); mark(); } }, "Delete"))));
    } else {
      fill(boxList, ...working.map((l) => h("li", {}, swatch(labels.find((x) => x.name === l.name) || {}), ` ${l.name}`,
        l.score !== undefined && l.score !== null ? h("span", { class: "badge" }, ` ${l.score.toFixed(3)}`) : null)));
    }
    const state = { __ALL__: "Labeled", __NONE__: "Unlabeled", __AUTO_ANNOTATION__: "To Be Confirmed" }[sample.sample_status];
    status.textContent = `${state}${hard ? " · hard example" : ""}${dirty ? " · unsaved changes (Enter saves)" : ""}${readOnly ? " · read-only view of the past" : ""}`;
    fill(actions, 
      readOnly ? null : h("button", { type: "button", id: "confirm", onclick: confirmOrSave }, toBeConfirmed ? "Confirm (Enter)" : "Save (Enter)"),
      readOnly || !toBeConfirmed ? null : h("button", { type: "button", class: "danger", id: "reject", onclick: reject }, "Reject (r)"),
      readOnly ? null : h("button", { type: "button", class: "secondary", id: "toggle-hard", onclick: toggleHard }, hard ? "Not hard (h)" : "Confirm Hard Example (h)"),
      detection && !readOnly ? h("button", { type: "button", class: "secondary", id: "new-box", onclick: newBox }, "New box (b)") : null,
      h("a", { href: back }, "Back (Esc)"));
  }

  function chooseLabel(index) {
    if (readOnly || index >= labels.length) return;
    const name = labels[index].name;
    if (detection) {
      currentLabel = index;
      if (selectedBox >= 0) { working[selectedBox].name = name; delete working[selectedBox].score; }
      mark(selectedBox >= 0);
      if (selectedBox < 0) renderSide();
    } else {
      const at = working.findIndex((l) => l.name === name);
      if (at >= 0) working.splice(at, 1); else working.push({ name });
      for (const l of working) delete l.score;
      mark();
    }
  }

  // MARK: drawing

  function draw() {
    if (!image.naturalWidth) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingEnabled = dense === 1;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    if (!detection) return;
    // Lines, captions and handles keep their size on screen however the image is scaled to
    // fit (a small image shown large must not be covered by its own captions).
    const px = 1 / onScreen();
    working.forEach((l, index) => {
      if (!l.box) return;
      const [x1, y1, x2, y2] = l.box.map((v) => v * scale);
      context.lineWidth = (index === selectedBox ? 3 : 2) * px;
      context.strokeStyle = colourOf(l.name);
      context.strokeRect(x1, y1, x2 - x1, y2 - y1);
      context.fillStyle = colourOf(l.name);
      context.font = `${12 * px}px system-ui`;
      const text = `${l.name}${l.score !== undefined && l.score !== null ? ` ${l.score.toFixed(2)}` : ""}`;
      const width = context.measureText(text).width + 6 * px;
      context.fillRect(x1, Math.max(0, y1 - 16 * px), width, 16 * px);
      context.fillStyle = "#000";
      context.fillText(text, x1 + 3 * px, Math.max(12 * px, y1 - 4 * px));
      if (index === selectedBox) {
        context.fillStyle = "#fff";
        const side = HANDLE * px;
        for (const [hx, hy] of [[x1, y1], [x2, y1], [x1, y2], [x2, y2]]) {
          context.fillRect(hx - side / 2, hy - side / 2, side, side);
          context.strokeRect(hx - side / 2, hy - side / 2, side, side);
        }
      }
    });
  }

  // Screen pixels per canvas pixel (the canvas is scaled to fit the stage).
  function onScreen() {
    const shown = canvas.getBoundingClientRect().width;
    return shown > 0 && canvas.width > 0 ? shown / canvas.width : 1;
  }

  const width = () => size[0] || image.naturalWidth * dense / scale;
  const height = () => size[1] || image.naturalHeight * dense / scale;

  function clampBox(box) {
    let [x1, y1, x2, y2] = box.map(Math.round);
    if (x2 < x1) [x1, x2] = [x2, x1];
    if (y2 < y1) [y1, y2] = [y2, y1];
    x1 = Math.max(0, Math.min(width() - 1, x1)); x2 = Math.max(x1 + 1, Math.min(width(), x2));
    y1 = Math.max(0, Math.min(height() - 1, y1)); y2 = Math.max(y1 + 1, Math.min(height(), y2));
    return [x1, y1, x2, y2];
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    return [(event.clientX - rect.left) * (canvas.width / rect.width) / scale, (event.clientY - rect.top) * (canvas.height / rect.height) / scale];
  }

  let drag = null;
  canvas.addEventListener("mousedown", (event) => {
    if (!detection || readOnly) return;
    canvas.focus();
    const [x, y] = point(event);
    const tolerance = HANDLE / onScreen() / scale;
    if (selectedBox >= 0 && working[selectedBox]?.box) {
      const [x1, y1, x2, y2] = working[selectedBox].box;
      const corners = [[x1, y1, 0, 1], [x2, y1, 2, 1], [x1, y2, 0, 3], [x2, y2, 2, 3]];
      const corner = corners.find(([cx, cy]) => Math.abs(cx - x) <= tolerance && Math.abs(cy - y) <= tolerance);
      if (corner) { drag = { kind: "resize", xi: corner[2], yi: corner[3] }; return; }
    }
    const hit = working.map((l, index) => ({ l, index })).reverse()
      .find(({ l }) => l.box && x >= l.box[0] && x <= l.box[2] && y >= l.box[1] && y <= l.box[3]);
    if (hit) {
      selectedBox = hit.index;
      drag = { kind: "move", from: [x, y], box: [...hit.l.box] };
      mark(false);
      return;
    }
    if (!labels.length) return;
    working.push({ name: labels[currentLabel].name, box: [x, y, x + 1, y + 1].map(Math.round) });
    selectedBox = working.length - 1;
    drag = { kind: "resize", xi: 2, yi: 3, fresh: true };
    mark();
  });
  window.addEventListener("mousemove", onMove);
  window.addEventListener("mouseup", onUp);
  const leave = () => { window.removeEventListener("mousemove", onMove); window.removeEventListener("mouseup", onUp); };
  onLeave(leave);
  function onMove(event) {
    if (!drag || selectedBox < 0) return;
    const [x, y] = point(event);
    const box = working[selectedBox].box;
    if (drag.kind === "move") {
      const dx = x - drag.from[0], dy = y - drag.from[1];
      const w = drag.box[2] - drag.box[0], hgt = drag.box[3] - drag.box[1];
      const nx = Math.max(0, Math.min(width() - w, drag.box[0] + dx)), ny = Math.max(0, Math.min(height() - hgt, drag.box[1] + dy));
      working[selectedBox].box = [nx, ny, nx + w, ny + hgt].map(Math.round);
    } else {
      box[drag.xi] = Math.round(Math.max(0, Math.min(width(), x)));
      box[drag.yi] = Math.round(Math.max(0, Math.min(height(), y)));
    }
    delete working[selectedBox].score;
    mark();
  }
  function onUp() {
    if (!drag) return;
    if (selectedBox >= 0 && working[selectedBox]?.box) {
      const box = working[selectedBox].box;
      if (drag.fresh && (Math.abs(box[2] - box[0]) < 3 || Math.abs(box[3] - box[1]) < 3)) {
        working.splice(selectedBox, 1);
        selectedBox = working.length - 1;
      } else {
        working[selectedBox].box = clampBox(box);
      }
    }
    drag = null;
    mark();
  }

  function newBox() {
    if (!detection || readOnly || !labels.length) return;
    const w = width(), hgt = height();
    working.push({ name: labels[currentLabel].name, box: clampBox([w / 4, hgt / 4, (3 * w) / 4, (3 * hgt) / 4]) });
    selectedBox = working.length - 1;
    mark();
  }

  function nudge(dx, dy, resize) {
    if (selectedBox < 0 || !working[selectedBox]?.box) return;
    const box = working[selectedBox].box;
    if (resize) {
      working[selectedBox].box = clampBox([box[0], box[1], box[2] + dx, box[3] + dy]);
    } else {
      const w = box[2] - box[0], hgt = box[3] - box[1];
      const x = Math.max(0, Math.min(width() - w, box[0] + dx)), y = Math.max(0, Math.min(height() - hgt, box[1] + dy));
      working[selectedBox].box = [x, y, x + w, y + hgt];
    }
    delete working[selectedBox].score;
    mark();
  }

  // MARK: commands

  function payloadLabels() {
    return working.map((l) => detection
      ? { name: l.name, type: 1, property: { "@modelarts:shape": "bndbox", "@modelarts:coordinates": [[l.box[0], l.box[1]], [l.box[2], l.box[3]]] } }
      : { name: l.name, type: 0 });
  }

  async function confirmOrSave() {
    if (readOnly) return;
    const done = await attempt(async () => {
      if (toBeConfirmed) {
        const item = { sample_id: sampleID };
        if (dirty) item.labels = payloadLabels();
        return checkResults(await call("POST", datasetPath(datasetID, "/data-annotations/samples/confirm"), { body: { samples: [item] } }));
      }
      return checkResults(await call("PUT", datasetPath(datasetID, "/data-annotations/samples"), { body: { samples: [{ sample_id: sampleID, labels: payloadLabels() }] } }));
    });
    if (done) { notice(toBeConfirmed ? "Confirmed" : "Saved"); dirty = false; step(1, true); }
  }

  async function reject() {
    if (readOnly || !toBeConfirmed) return;
    const done = await attempt(async () => checkResults(await call("POST", datasetPath(datasetID, "/data-annotations/samples/reject"), { body: { samples: [sampleID] } })));
    if (done) { notice("Rejected"); dirty = false; step(1, true); }
  }

  async function toggleHard() {
    if (readOnly) return;
    const done = await attempt(async () => checkResults(await call("POST", datasetPath(datasetID, "/data-annotations/samples/hard"), { body: { samples: [sampleID], hard: !hard } })));
    if (done) { notice(hard ? "No longer a hard example" : "Marked as a hard example"); leave(); sampleView(view, datasetID, sampleID, query); }
  }

  /** Next or previous sample of the page the grid showed (back to the grid after its last). */
  function step(direction, afterCommand = false) {
    if (dirty && !leaveArmed && !afterCommand) {
      leaveArmed = true;
      status.textContent = "Unsaved changes: press again to leave without saving, or Enter to save.";
      return;
    }
    const ids = browsing.datasetID === datasetID ? browsing.ids : [];
    const index = ids.indexOf(sampleID);
    const next = index >= 0 ? ids[index + direction] : undefined;
    if (!next) { go(back); return; }
    const q = new URLSearchParams(query);
    go(`${base}/s/${encodeURIComponent(next)}?${q}`);
  }

  // MARK: layout

  const side = h("aside", { class: "side" },
    h("div", { class: "panel" }, h("h2", {}, sample.sample_name), status, actions),
    h("div", { class: "panel" }, h("h2", {}, detection ? "Label for boxes (1–9)" : "Labels (1–9)"), labelBar,
      h("h2", {}, detection ? "Boxes (Tab selects; arrows move; Alt+arrows resize; Delete)" : "Current labels"), boxList),
    h("div", { class: "panel" }, h("h2", {}, "Audit trail"), trail));
  fill(view, h("div", { class: "sample" }, h("div", { class: "stage" }, canvas), side));
  renderSide();

  setKeys((event) => {
    const key = event.key;
    if (key === "Escape") { if (dirty && !leaveArmed) { step(0); return true; } go(back); return true; }
    if (key === "n") { step(1); return true; }
    if (key === "p") { step(-1); return true; }
    if (readOnly) return false;
    if (/^[1-9]$/.test(key)) { chooseLabel(Number(key) - 1); return true; }
    if (key === "Enter") { confirmOrSave(); return true; }
    if (key === "r") { reject(); return true; }
    if (key === "h") { toggleHard(); return true; }
    if (!detection) return false;
    if (key === "b") { newBox(); return true; }
    if (key === "Tab" && working.length) { selectedBox = (selectedBox + (event.shiftKey ? working.length - 1 : 1)) % working.length; mark(false); return true; }
    if ((key === "Delete" || key === "Backspace") && selectedBox >= 0) {
      working.splice(selectedBox, 1);
      selectedBox = Math.min(selectedBox, working.length - 1);
      mark();
      return true;
    }
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (key in arrows && selectedBox >= 0) {
      const step = event.shiftKey ? 10 : 1;
      nudge(arrows[key][0] * step, arrows[key][1] * step, event.altKey);
      return true;
    }
    return false;
  });

  // The image: a server-made JPEG of at most 1024 px; boxes are in the original's pixels.
  const loaded = await attempt(async () => {
    image.src = await thumbnailURL(datasetID, sampleID, 1024);
    await image.decode();
    return true;
  });
  if (loaded) {
    // Shown as large as the stage allows (small images enlarged for the eye; the boxes
    // stay in the original's pixels).
    const stage = canvas.parentElement.getBoundingClientRect();
    const fit = Math.min((stage.width - 16) / image.naturalWidth, (stage.height - 16) / image.naturalHeight);
    dense = Math.max(1, Math.min(8, Math.floor(fit)));
    canvas.width = image.naturalWidth * dense;
    canvas.height = image.naturalHeight * dense;
    canvas.style.width = `${Math.floor(image.naturalWidth * fit)}px`;
    canvas.style.height = `${Math.floor(image.naturalHeight * fit)}px`;
    scale = (size[0] ? image.naturalWidth / size[0] : 1) * dense;
    draw();
  }
  canvas.focus();

  const history = await attempt(() => call("GET", samplePath(datasetID, sampleID, "/history")));
  const entries = (history?.entries || []).filter((e) => !past || !past.as_of_position || e.position <= Number(past.as_of_position));
  fill(trail, ...entries.reverse().map((e) => h("li", {},
    h("div", {}, h("strong", {}, e.event), ` · ${e.actor} · ${e.time} · position ${e.position}`),
    e.change ? h("div", {}, e.change) : null,
    e.before || e.after ? h("div", { class: "muted" }, `${e.before || "—"} → ${e.after || "—"}`) : null)));
  if (!entries.length) trail.append(h("li", { class: "muted" }, "No events."));
}
