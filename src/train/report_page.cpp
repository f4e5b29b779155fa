#include "train/report_page.hpp"

namespace dgen::train {

const char* const kReportPage = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dgen training report</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 980px; color: #222; background: #fafafa; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
  .sub { color: #666; margin-bottom: 16px; }
  table { border-collapse: collapse; background: #fff; }
  td, th { border: 1px solid #ddd; padding: 4px 10px; text-align: right; }
  th { background: #f0f0f0; } td:first-child, th:first-child { text-align: left; }
  .big { font-size: 28px; font-weight: 600; color: #1a7f37; }
  .big.worse { color: #b42318; }
  canvas { background: #fff; border: 1px solid #ddd; display: block; }
  .specs { display: grid; grid-template-columns: 1fr; gap: 14px; }
  .spec h3, .player h3 { font-size: 14px; margin: 0 0 4px; }
  .players { display: flex; gap: 18px; flex-wrap: wrap; }
  pre { background: #fff; border: 1px solid #ddd; padding: 8px 10px; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<h1 id="title">dgen training report</h1>
<div class="sub" id="subtitle"></div>
<div><span class="big" id="improvement"></span> <span id="improvement-label">lower loss than the seed</span></div>
<h2>Summary</h2>
<table id="summary"></table>
<h2>Reproduce</h2>
<pre id="command"></pre>
<h2>Params</h2>
<table id="params"></table>
<h2>Loss</h2>
<canvas id="loss" width="940" height="260"></canvas>
<h2>Waveforms</h2>
<canvas id="waveform" width="940" height="200"></canvas>
<h2>Listen</h2>
<div class="players">@AUDIO@</div>
<h2>Spectrograms</h2>
<div class="specs" id="specs"></div>
<script id="report-data" type="application/json">@DATA@</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("report-data").textContent);
const R = D.result;

function cell(row, tag, text) { const c = document.createElement(tag); c.textContent = text; row.appendChild(c); }
function fmt(x) {
  if (Array.isArray(x)) return x.length > 6 ? "[" + x.slice(0, 6).map(fmt).join(", ") + ", …]" : "[" + x.map(fmt).join(", ") + "]";
  if (typeof x !== "number" || Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3 ? x.toExponential(4) : String(+x.toPrecision(6));
}

document.title = "dgen report — " + D.title;
document.getElementById("title").textContent = "Training report: " + D.title;
document.getElementById("subtitle").textContent = "target " + R.target + " · loss " + R.loss + " · " + R.epochs + " epochs · " + R.lanes + " lane(s)";
const imp = document.getElementById("improvement");
imp.textContent = (Number.isFinite(R.improvement_percent) ? R.improvement_percent.toFixed(1) : "?") + "%";
if (R.improvement_percent < 0) { imp.classList.add("worse"); document.getElementById("improvement-label").textContent = "higher loss than the seed"; }

const summary = document.getElementById("summary");
for (const [label, key] of [["initial loss", "initial_loss"], ["final loss", "final_loss"], ["improvement %", "improvement_percent"], ["seconds", "seconds"], ["best lane", "best_lane"], ["backend", "backend"], ["sample rate", "sample_rate"]]) {
  if (!(key in R)) continue;
  const row = summary.insertRow(); cell(row, "th", label); cell(row, "td", fmt(R[key]));
}

document.getElementById("command").textContent = R.command ? R.command : "(not recorded)";

const params = document.getElementById("params");
const head = params.insertRow();
for (const h of ["param", "from", "to", "min", "max", "scale"]) cell(head, "th", h);
for (const [name, p] of Object.entries(R.params)) {
  const row = params.insertRow();
  for (const v of [name, p.from, p.to, p.min, p.max, p.scale]) cell(row, "td", fmt(v));
}

function drawLoss(canvas, losses, marks) {
  const g = canvas.getContext("2d"), W = canvas.width, H = canvas.height, L = 78, B = 30, T = 12, Rm = 12;
  g.fillStyle = "#fff"; g.fillRect(0, 0, W, H);
  const finite = losses.filter(Number.isFinite);
  if (finite.length === 0) { g.fillStyle = "#666"; g.fillText("no loss values", L, H / 2); return; }
  const logScale = finite.every(v => v > 0);
  const tf = v => logScale ? Math.log10(v) : v;
  let lo = Math.min(...finite.map(tf)), hi = Math.max(...finite.map(tf));
  if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
  const x = i => L + (W - L - Rm) * (losses.length > 1 ? i / (losses.length - 1) : 0.5);
  const y = v => T + (H - T - B) * (1 - (tf(v) - lo) / (hi - lo));
  g.strokeStyle = "#ccc"; g.fillStyle = "#555"; g.font = "11px sans-serif"; g.textAlign = "right";
  for (let k = 0; k <= 4; ++k) {
    const tv = lo + (hi - lo) * k / 4, yy = T + (H - T - B) * (1 - k / 4);
    g.beginPath(); g.moveTo(L, yy); g.lineTo(W - Rm, yy); g.stroke();
    g.fillText(fmt(logScale ? Math.pow(10, tv) : tv), L - 6, yy + 4);
  }
  g.textAlign = "center";
  g.fillText("epoch", (L + W) / 2, H - 6);
  g.save(); g.translate(11, (T + H - B) / 2); g.rotate(-Math.PI / 2);
  g.fillText(logScale ? "loss (log scale)" : "loss", 0, 0); g.restore();
  // Stages: the loss of epoch e is point e - 1 of the curve.
  g.setLineDash([4, 4]); g.strokeStyle = "#b45309"; g.fillStyle = "#b45309"; g.textAlign = "left";
  marks.forEach((m, k) => {
    const xx = x(Math.min(m.epoch - 1, losses.length - 1));
    g.beginPath(); g.moveTo(xx, T); g.lineTo(xx, H - B); g.stroke();
    g.fillText(m.label, xx + 3, T + 10 + 12 * (k % 3));
  });
  g.setLineDash([]); g.fillStyle = "#555"; g.textAlign = "center";
  for (let k = 0; k <= 4; ++k) { const i = Math.round((losses.length - 1) * k / 4); g.fillText(String(i), x(i), H - B + 14); }
  g.strokeStyle = "#2563eb"; g.lineWidth = 2; g.beginPath();
  let started = false;
  losses.forEach((v, i) => { if (!Number.isFinite(v)) return; if (started) g.lineTo(x(i), y(v)); else { g.moveTo(x(i), y(v)); started = true; } });
  g.stroke();
}

// A perceptual dark-to-bright map (black → purple → orange → pale yellow).
const STOPS = [[0, 0, 4], [59, 15, 112], [140, 41, 129], [222, 73, 104], [254, 159, 109], [252, 253, 191]];
function colour(t) {
  const s = t * (STOPS.length - 1), i = Math.min(Math.floor(s), STOPS.length - 2), f = s - i;
  return STOPS[i].map((c, k) => Math.round(c + (STOPS[i + 1][k] - c) * f));
}

function drawSpectrogram(canvas, s) {
  const bytes = atob(s.levels), img = new ImageData(s.columns, s.rows);
  for (let c = 0; c < s.columns; ++c)
    for (let r = 0; r < s.rows; ++r) {
      const rgb = colour(bytes.charCodeAt(c * s.rows + r) / 255), o = 4 * ((s.rows - 1 - r) * s.columns + c);
      img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2]; img.data[o + 3] = 255;
    }
  const off = document.createElement("canvas"); off.width = s.columns; off.height = s.rows;
  off.getContext("2d").putImageData(img, 0, 0);
  const g = canvas.getContext("2d"), L = 48, B = 22, W = canvas.width - L - 64, H = canvas.height - B;
  g.fillStyle = "#fff"; g.fillRect(0, 0, canvas.width, canvas.height);
  g.imageSmoothingEnabled = false;
  g.drawImage(off, L, 0, W, H);
  g.fillStyle = "#555"; g.font = "11px sans-serif"; g.textAlign = "right";
  for (const hz of [50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]) {
    if (hz < s.min_hz || hz > s.max_hz) continue;
    const yy = H * (1 - Math.log(hz / s.min_hz) / Math.log(s.max_hz / s.min_hz));
    g.fillText(hz >= 1000 ? hz / 1000 + "k" : String(hz), L - 4, yy + 4);
  }
  g.textAlign = "center";
  for (let k = 0; k <= 4; ++k) g.fillText((s.seconds * k / 4).toFixed(2) + " s", L + W * k / 4 - (k === 4 ? 18 : 0), H + 15);
  drawColourBar(g, s, L + W + 8, 6, H - 12);
}

// The target as a grey band, the fit as a blue outline over it, on one amplitude scale.
function drawWaveforms(canvas, w) {
  const g = canvas.getContext("2d"), L = 48, B = 22, T = 18, W = canvas.width - L - 12, H = canvas.height - B - T;
  g.fillStyle = "#fff"; g.fillRect(0, 0, canvas.width, canvas.height);
  let peak = 1e-9;
  for (const s of [w.target, w.final]) for (const [lo, hi] of s) peak = Math.max(peak, Math.abs(lo), Math.abs(hi));
  const y = v => T + H * (0.5 - 0.5 * v / peak);
  const xs = (i, n) => L + W * i / Math.max(n - 1, 1);
  g.fillStyle = "#555"; g.font = "11px sans-serif"; g.textAlign = "right";
  for (const v of [-peak, 0, peak]) g.fillText(fmt(v), L - 4, y(v) + 4);
  g.textAlign = "center";
  for (let k = 0; k <= 4; ++k) g.fillText((w.seconds * k / 4).toFixed(2) + " s", L + W * k / 4, T + H + 16);
  g.fillStyle = "rgba(120,120,120,0.55)";
  w.target.forEach(([lo, hi], i) => g.fillRect(xs(i, w.target.length), y(hi), 1.2, Math.max(1, y(lo) - y(hi))));
  g.strokeStyle = "rgba(37,99,235,0.9)"; g.lineWidth = 1;
  for (const k of [1, 0]) {
    g.beginPath();
    w.final.forEach((p, i) => { const xx = xs(i, w.final.length); if (i) g.lineTo(xx, y(p[k])); else g.moveTo(xx, y(p[k])); });
    g.stroke();
  }
  g.textAlign = "right"; g.fillStyle = "#777"; g.fillText("target (grey)", L + W - 80, 12);
  g.fillStyle = "#2563eb"; g.fillText("fit (blue)", L + W, 12);
}

// The colour scale of a spectrogram, from its floor to its top in dB.
function drawColourBar(g, s, x0, y0, h) {
  for (let yy = 0; yy < h; ++yy) {
    const rgb = colour(1 - yy / (h - 1));
    g.fillStyle = "rgb(" + rgb.join(",") + ")"; g.fillRect(x0, y0 + yy, 12, 1);
  }
  g.fillStyle = "#555"; g.textAlign = "left";
  for (let k = 0; k <= 4; ++k) {
    const db = s.top_db - (s.top_db - s.floor_db) * k / 4;
    g.fillText(db.toFixed(0) + " dB", x0 + 16, y0 + (h - 1) * k / 4 + 4);
  }
}

const specs = document.getElementById("specs");
for (const [name, s] of Object.entries(D.spectrograms)) {
  const box = document.createElement("div"); box.className = "spec";
  const h = document.createElement("h3"); h.textContent = name; box.appendChild(h);
  const canvas = document.createElement("canvas"); canvas.width = 940; canvas.height = 220; box.appendChild(canvas);
  specs.appendChild(box);
  drawSpectrogram(canvas, s);
}
drawLoss(document.getElementById("loss"), D.loss, D.marks || []);
drawWaveforms(document.getElementById("waveform"), D.waveforms);
document.body.dataset.drawn = "yes";
</script>
</body>
</html>
)PAGE";

}  // namespace dgen::train
