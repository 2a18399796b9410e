// The dashboard's charts: uPlot (vendored, no CDN) drawing a series over days, weeks or
// hours, each with its text alternatives: a one-line summary as the chart's aria-label, and
// the numbers themselves as a table under "Table".
import { h } from "./dom.js";

const COLOURS = ["#2563eb", "#16a34a", "#db2777", "#ea580c", "#7c3aed"];
const charts = new Map();  // key -> uPlot instance, destroyed before it is drawn again

const seconds = (day) => Date.parse(`${day}T12:00:00Z`) / 1000;

// { key, title, x: ["2026-03-01", ...] or [0..23], hours: bool, series: [{label, values}],
//   format: (n) => text }
export function chart(spec) {
  const format = spec.format || ((n) => (n == null ? "" : n.toLocaleString()));
  const summary = spec.series.map((s) => {
    const total = s.values.reduce((sum, v) => sum + (v || 0), 0);
    let top = 0;
    s.values.forEach((v, i) => { if ((v || 0) > (s.values[top] || 0)) top = i; });
    return `${s.label}: ${format(total)} in all, most ${format(s.values[top] || 0)} at ${spec.x[top]}`;
  }).join("; ");
  const plot = h("div", { class: "dash-plot", role: "img", "aria-label": `${spec.title}. ${summary}.` });
  const rows = spec.x.map((x, i) => h("tr", {}, h("th", { scope: "row" }, String(x)),
    spec.series.map((s) => h("td", { class: "amount" }, format(s.values[i])))));
  const figure = h("figure", { class: "dash-chart", "data-chart": spec.key },
    h("h3", {}, spec.title), plot,
    h("details", {}, h("summary", {}, "Table"),
      h("table", { class: "lists" },
        h("thead", {}, h("tr", {}, h("th", {}, spec.hours ? "Hour" : "Day"),
          spec.series.map((s) => h("th", { class: "amount" }, s.label)))),
        h("tbody", {}, rows))));
  return { figure, draw: () => draw(spec, plot) };
}

function draw(spec, plot) {
  if (charts.has(spec.key)) charts.get(spec.key).destroy();
  const width = Math.max(280, plot.parentElement.clientWidth - 8);
  const xs = spec.hours ? spec.x : spec.x.map(seconds);
  const opts = {
    width, height: 180,
    scales: { x: { time: !spec.hours } },
    legend: { show: true },
    series: [{ label: spec.hours ? "Hour" : "Day" }, ...spec.series.map((s, i) => ({
      label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2,
      fill: spec.hours ? `${COLOURS[i % COLOURS.length]}33` : undefined,
      paths: spec.hours && window.uPlot.paths.bars ? window.uPlot.paths.bars({ size: [0.6] }) : undefined,
    }))],
    axes: [{}, { size: 64 }],
  };
  charts.set(spec.key, new window.uPlot(opts, [xs, ...spec.series.map((s) => s.values)], plot));
}

export function forgetCharts() {
  for (const instance of charts.values()) instance.destroy();
  charts.clear();
}
