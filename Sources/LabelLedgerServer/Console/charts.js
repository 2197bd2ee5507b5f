// Small horizontal bar charts as SVG (no library): one bar per entry, its value written beside it.
import { h, svg } from "./dom.js";

export function barChart(title, entries, { colour = "#0b4fa8" } = {}) {
  const rowHeight = 18, labelWidth = 110, barWidth = 120;
  const max = Math.max(1, ...entries.map((e) => e.value));
  const height = Math.max(1, entries.length) * rowHeight + 4;
  const chart = svg("svg", { width: labelWidth + barWidth + 50, height, role: "img", "aria-label": title });
  entries.forEach((entry, index) => {
    const y = index * rowHeight + 2;
    chart.append(
      svg("text", { x: 0, y: y + 12 }, entry.label.length > 16 ? entry.label.slice(0, 15) + "…" : entry.label),
      svg("rect", { x: labelWidth, y, width: Math.max(1, (entry.value / max) * barWidth), height: rowHeight - 5, fill: entry.colour || colour, stroke: "#0006" }),
      svg("text", { x: labelWidth + barWidth + 6, y: y + 12 }, String(entry.value)));
  });
  if (!entries.length) chart.append(svg("text", { x: 0, y: 14 }, "none"));
  return h("figure", { class: "chart" }, h("figcaption", {}, h("strong", {}, title)), chart);
}
