// Auto labeling: start active learning or pre-labeling (model picker), live progress from the
// project's event stream (GET /v2/{project}/events), stop, and the task history with metrics.
import { call, datasetPath, followEvents, projectPath } from "./api.js";
import { h, fill, notice } from "./dom.js";
import { attempt, go, onLeave, setCrumbs, setKeys } from "./app.js";

const STATUS = { "-1": "queued", 0: "initialising", 1: "running", 2: "failed", 3: "succeeded", 4: "stopping", 5: "stopped" };
const ACTIVE = new Set([-1, 0, 1, 4]);

export async function autoView(view, datasetID) {
  const base = `#/d/${encodeURIComponent(datasetID)}`;
  const [dataset, models, health] = await Promise.all([
    attempt(() => call("GET", datasetPath(datasetID))),
    attempt(() => call("GET", projectPath("/models"))),
    attempt(() => call("GET", "/health")),
  ]);
  if (!dataset) { fill(view, h("p", {}, "This dataset cannot be shown."), h("a", { href: "#/" }, "Back")); return; }
  setCrumbs({ text: "Datasets", href: "#/" }, { text: dataset.dataset_name, href: `${base}/all` }, { text: "Auto labeling" });
  const usable = (models?.models || []).filter((m) => m.model_type === dataset.dataset_type);

  const kind = h("select", { id: "task-kind", "aria-label": "Kind of task" },
    h("option", { value: "auto-label" }, `Active learning (built-in ${dataset.dataset_type === 1 ? "detector" : "classifier"})`),
    h("option", { value: "pre-label" }, "Pre-labeling with a registered model"));
  const algorithm = h("select", { id: "algorithm", "aria-label": "Algorithm" }, h("option", { value: "fast" }, "fast"), h("option", { value: "accurate" }, "accurate"));
  const model = h("select", { id: "model", "aria-label": "Model" },
    usable.length ? usable.map((m) => h("option", { value: m.model_id }, `${m.model_id}`)) : h("option", { value: "" }, "no model of this dataset's type is registered"));
  const form = h("form", { class: "panel row", id: "start-task", onsubmit: async (event) => {
    event.preventDefault();
    const body = { task_type: kind.value, config: { algorithm_type: algorithm.value } };
    if (kind.value === "pre-label") body.model_id = model.value;
    const started = await attempt(() => call("POST", datasetPath(datasetID, "/tasks"), { body }));
    if (started) { notice(`Task ${started.task_id} queued`); refresh(); }
  } }, h("strong", {}, "Start"), kind, h("label", {}, "algorithm ", algorithm), h("label", { id: "model-picker" }, "model ", model),
    h("button", { type: "submit", id: "start-task-submit" }, "Start (s)"));
  // The model picker belongs to pre-labeling only: active learning trains its own model.
  const pickerShown = () => { form.querySelector("#model-picker").hidden = kind.value !== "pre-label"; };
  kind.addEventListener("change", pickerShown);
  pickerShown();

  const live = h("span", { id: "live-state", class: "muted" }, "connecting…");
  const table = h("tbody", { id: "tasks" });
  const feed = h("ol", { class: "feed", id: "event-feed", reversed: true });
  fill(view, 
    h("div", { class: "row spread" }, h("h1", {}, `Auto labeling · ${dataset.dataset_name}`), h("a", { href: `${base}/confirm` }, "To Be Confirmed →")),
    form,
    h("div", { class: "panel" }, h("div", { class: "row spread" }, h("h2", {}, "Tasks"), live),
      h("table", { class: "list" }, h("thead", {}, h("tr", {}, ["Task", "Type", "Status", "Progress", "Result", "Metrics", ""].map((t) => h("th", {}, t)))), table)),
    h("div", { class: "panel" }, h("h2", {}, "Events of this dataset (live)"), feed));

  let tasks = [];
  const bars = new Map();
  function render() {
    bars.clear();
    fill(table, ...tasks.map((task) => {
      const bar = h("div", {});
      bar.style.width = `${task.progress}%`;
      const text = h("span", { class: "progress-text" }, `${task.progress.toFixed(1)} %`);
      bars.set(task.task_id, { bar, text });
      const result = task.result || {};
      return h("tr", { dataset: { taskId: task.task_id, status: task.status } },
        h("td", {}, h("code", {}, task.task_id), h("div", { class: "muted" }, task.create_time)),
        h("td", {}, task.task_type, task.model_id ? ` (${task.model_id})` : "", ` · ${task.algorithm_type}`),
        h("td", { class: "task-status" }, STATUS[task.status] ?? task.status, task.code ? h("div", {}, h("code", {}, task.code), ` ${task.message || ""}`) : null),
        h("td", {}, h("div", { class: "progress", role: "progressbar", "aria-valuenow": task.progress, "aria-valuemin": 0, "aria-valuemax": 100 }, bar), text),
        h("td", {}, `${result.annotated_sample_count ?? 0} labeled · ${result.unconfirmed_sample_count ?? 0} to confirm · ${result.hard_example_count ?? 0} hard`,
          result.skipped_sample_count ? ` · ${result.skipped_sample_count} skipped` : ""),
        h("td", { class: "metrics" }, Object.keys(task.metrics || {}).length
          ? h("details", {}, h("summary", {}, `${Object.keys(task.metrics).length} metrics`),
            Object.entries(task.metrics).map(([k, v]) => h("div", {}, `${k}: ${Number(v).toFixed(4)}`)))
          : "—"),
        h("td", {}, ACTIVE.has(task.status) ? h("button", { type: "button", class: "danger stop-task", onclick: () => stop(task.task_id) }, "Stop") : null));
    }));
    if (!tasks.length) table.append(h("tr", {}, h("td", { colspan: 7, class: "muted" }, "No tasks yet.")));
  }
  async function refresh() {
    const answer = await attempt(() => call("GET", datasetPath(datasetID, "/tasks"), { query: { limit: 20 } }));
    if (answer) { tasks = answer.tasks || []; render(); }
  }
  async function stop(taskID) {
    const done = await attempt(() => call("POST", datasetPath(datasetID, `/tasks/${encodeURIComponent(taskID)}/stop`)));
    if (done) { notice(`Stopping ${taskID}`); refresh(); }
  }

  // Live: the stream from the head as it was when the page opened; a task's progress moves
  // its bar at once, its end reloads the list (result and metrics).
  const stopFeed = followEvents((health?.log_head ?? 0) + 1, (event) => {
    if (event.dataset_id !== datasetID) return;
    feed.prepend(h("li", {}, `#${event.position} ${event.time} ${event.type}${event.task_id ? ` ${event.task_id}` : ""}${event.progress !== undefined ? ` ${event.progress.toFixed(1)} %` : ""} · ${event.actor}`));
    while (feed.children.length > 200) feed.lastChild.remove();
    if (event.task_id && event.progress !== undefined && bars.has(event.task_id)) {
      const { bar, text } = bars.get(event.task_id);
      bar.style.width = `${event.progress}%`;
      text.textContent = `${event.progress.toFixed(1)} %`;
    }
    if (["AutoLabelTaskQueued", "TaskStarted", "TaskRunning", "TaskSucceeded", "TaskFailed", "TaskStopped", "TaskStopRequested", "TaskTrainingFinished"].includes(event.type)) refresh();
  }, (state) => { live.textContent = `event stream: ${state}`; });
  onLeave(stopFeed);
  setKeys((event) => {
    if (event.key === "s") { form.requestSubmit(); return true; }
    if (event.key === "Escape") { go(`${base}/all`); return true; }
    return false;
  });
  await refresh();
}
