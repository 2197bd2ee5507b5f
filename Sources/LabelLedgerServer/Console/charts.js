// Small horizontal bar charts as SVG (no library): one bar per entry, its value written beside it.
import { h, svg } from "./dom.js";

export function barChart(title, entries, { colour = "#0b4fa8" } = {}) {
  // The label column is as wide as the longest label (about 6.5 px a character at 11 px),
  // so reason names like "2 clustering results disagree" are read whole; only a label
  // longer than 40 characters is shortened, and its whole text is the tooltip.
  const shown = (label) => (label.length > 40 ? label.slice(0, 39) + "…" : label);
  const longest = Math.max(0, ...entries.map((e) => shown(e.label).length));
  const rowHeight = 18, labelWidth = Math.min(270, Math.max(60, Math.ceil(longest * 6.5) + 10)), barWidth = 120;
  const max = Math.max(1, ...entries.map((e) => e.value));
  const height = Math.max(1, entries.length) * rowHeight + 4;
  const chart = svg("svg", { width: labelWidth + barWidth + 50, height, role: "img", "aria-label": title });
  entries.forEach((entry, index) => {
    const y = index * rowHeight + 2;
    chart.append(
      svg("g", {}, svg("title", {}, entry.label), svg("text", { x: 0, y: y + 12 }, shown(entry.label))),
      svg("rect", { x: labelWidth, y, width: Math.max(1, (entry.value / max) * barWidth), height: rowHeight - 5, fill: entry.colour || colour, stroke: "#0006" }),
      svg("text", { x: labelWidth + barWidth + 6, y: y + 12 }, String(entry.value)));
  });
  if (!entries.length) chart.append(svg("text", { x: 0, y: 14 }, "none"));
  return h("figure", { class: "chart" }, h("figcaption", {}, h("strong", {}, title)), chart);
}
