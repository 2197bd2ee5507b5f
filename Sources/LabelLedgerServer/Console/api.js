// The console's only way to the server: the public HTTP API, with the token kept in
// sessionStorage (entered once per browser session, never in localStorage or a cookie).

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get token() { return sessionStorage.getItem("labelledger.token") || ""; },
  get project() { return sessionStorage.getItem("labelledger.project") || ""; },
  save(token, project) {
    sessionStorage.setItem("labelledger.token", token);
    sessionStorage.setItem("labelledger.project", project);
  },
  clear() {
    sessionStorage.removeItem("labelledger.token");
    sessionStorage.removeItem("labelledger.project");
  },
};

function headers(extra = {}) {
  return { Authorization: `Bearer ${session.token}`, ...extra };
}

/** Calls the API; resolves with the decoded JSON (or the Response for `raw`), rejects with an APIError carrying the server's code. */
export async function call(method, path, { body, query, raw, ifMatch, signal } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const text = params.toString();
    if (text) url += (url.includes("?") ? "&" : "?") + text;
  }
  const extra = {};
  if (body !== undefined) extra["Content-Type"] = "application/json";
  if (ifMatch !== undefined) extra["If-Match"] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(url, { method, headers: headers(extra), body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new APIError(0, "network", `the server cannot be reached: ${error.message}`);
  }
  if (!response.ok && response.status !== 304) {
    let code = `HTTP ${response.status}`, message = response.statusText;
    try {
      const document = await response.json();
      code = document.error_code || code;
      message = document.error_msg || message;
    } catch { /* not JSON */ }
    throw new APIError(response.status, code, message);
  }
  if (raw) return response;
  const text = await response.text();
  return text ? JSON.parse(text) : {};
}

/** `/v2/<project>` + path. */
export function projectPath(path) {
  return `/v2/${encodeURIComponent(session.project)}${path}`;
}

export function datasetPath(datasetID, path = "") {
  return projectPath(`/datasets/${encodeURIComponent(datasetID)}${path}`);
}

export function samplePath(datasetID, sampleID, path = "") {
  return datasetPath(datasetID, `/data-annotations/samples/${encodeURIComponent(sampleID)}${path}`);
}

/** Throws when any per-sample result failed, naming the first failure's code. */
export function checkResults(answer) {
  const failed = (answer.results || []).filter((r) => !r.success);
  if (failed.length) {
    const first = failed[0];
    throw new APIError(200, first.error_code || "failed", `${failed.length} of ${answer.results.length} failed: ${first.error_msg || ""} (sample ${first.sample_id || "?"})`);
  }
  return answer;
}

// Thumbnails: fetched with the token (an <img src> cannot send it) and kept as object URLs.
const thumbnails = new Map();
export async function thumbnailURL(datasetID, sampleID, size = 160) {
  const key = `${datasetID}/${sampleID}@${size}`;
  if (thumbnails.has(key)) return thumbnails.get(key);
  const response = await call("GET", samplePath(datasetID, sampleID, "/thumbnail"), { query: { size }, raw: true });
  const url = URL.createObjectURL(await response.blob());
  if (thumbnails.size > 600) {
    const [oldest, old] = thumbnails.entries().next().value;
    URL.revokeObjectURL(old);
    thumbnails.delete(oldest);
  }
  thumbnails.set(key, url);
  return url;
}

/**
 * The project's events as server-sent events (GET /v2/{project}/events), read with fetch so
 * the token goes in a header. Calls `onEvent(event)` for each; reconnects after a drop from
 * the last position seen. Returns a function that stops it.
 */
export function followEvents(fromPosition, onEvent, onState = () => {}) {
  const controller = new AbortController();
  let next = fromPosition;
  let stopped = false;
  async function run() {
    while (!stopped) {
      try {
        const response = await call("GET", projectPath("/events"), { query: { from_position: next }, raw: true, signal: controller.signal });
        onState("live");
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let data = "";
            for (const line of block.split("\n")) if (line.startsWith("data: ")) data += line.slice(6);
            if (!data) continue;
            const event = JSON.parse(data);
            next = event.position + 1;
            onEvent(event);
          }
        }
      } catch (error) {
        if (stopped || error.name === "AbortError") return;
        onState(`reconnecting (${error.code || error.message})`);
        if (error.status >= 400 && error.status < 500) return;
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  run();
  return () => { stopped = true; controller.abort(); };
}
