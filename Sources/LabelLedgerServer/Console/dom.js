// A tiny element builder: h("button", {onclick}, "text", child…). Text is always text
// (textContent), never parsed as HTML.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "style") Object.assign(element.style, value);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

/** Replaces an element's children (null, undefined and false are left out). */
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const SVG = "http://www.w3.org/2000/svg";
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Shows an error with its code until dismissed (or replaced by the same code). */
export function showError(error) {
  const area = document.getElementById("errors");
  const code = error.code || "error";
  for (const old of area.querySelectorAll(".error")) if (old.dataset.code === code) old.remove();
  const box = h("div", { class: "error", dataset: { code } },
    h("code", {}, code), " ", error.message || String(error), " ",
    h("button", { class: "ghost", type: "button", "aria-label": "Dismiss", onclick: () => box.remove() }, "×"));
  area.append(box);
  setTimeout(() => box.remove(), 15000);
  console.error(code, error.message);
}

export function clearErrors() {
  fill(document.getElementById("errors"));
}

export function notice(text) {
  const area = document.getElementById("errors");
  const box = h("div", { class: "notice", role: "status" }, text);
  const shown = area.querySelectorAll(".notice");
  if (shown.length >= 2) shown[0].remove();
  area.append(box);
  setTimeout(() => box.remove(), 3000);
}
