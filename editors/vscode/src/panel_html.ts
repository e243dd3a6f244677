//! The game panel's page: draws what panel.ts posts (stats, entities, trace state) and posts back
//! `ready`, `select` (a click on an entity in the scene) and `record`.

export function panelHtml(nonce: string, cspSource: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>Crescent Game</title>
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px; }
  h2 { font-size: 1.05em; margin: 14px 0 6px; }
  .row { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
  svg { background: var(--vscode-editorWidget-background, #1e1e1e); border: 1px solid var(--vscode-panel-border, #444); }
  #graph .ms { fill: none; stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 1.5; }
  #graph .max { fill: none; stroke: var(--vscode-charts-orange, #d18616); stroke-width: 1; }
  #graph text, #scene text { fill: var(--vscode-descriptionForeground, #aaa); font-size: 10px; }
  #graph line { stroke: var(--vscode-panel-border, #555); stroke-dasharray: 3 3; }
  table { border-collapse: collapse; min-width: 480px; }
  th, td { text-align: right; padding: 2px 10px; border-bottom: 1px solid var(--vscode-panel-border, #444); }
  th:first-child, td:first-child { text-align: left; }
  #scene circle { fill: var(--vscode-charts-green, #89d185); cursor: pointer; }
  #scene circle.selected { fill: var(--vscode-charts-yellow, #cca700); }
  .legend span { margin-right: 12px; }
  .muted { color: var(--vscode-descriptionForeground); }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; }
  button:disabled { opacity: 0.5; }
</style>
</head>
<body>
<p id="connection" class="muted">Waiting for the game…</p>
<p id="summary" class="muted"></p>
<h2>Frame time</h2>
<div class="legend muted"><span style="color:var(--vscode-charts-blue,#3794ff)">■ mean ms</span><span style="color:var(--vscode-charts-orange,#d18616)">■ max ms</span><span id="graph-scale"></span></div>
<svg id="graph" width="600" height="160" data-samples="0">
  <line x1="0" x2="600" y1="0" y2="0" id="budget"></line>
  <polyline class="max" points=""></polyline>
  <polyline class="ms" points=""></polyline>
  <text x="4" y="12" id="graph-top"></text>
</svg>
<h2>Top scripts <span class="muted">(last ~2 s)</span></h2>
<table id="scripts">
  <thead><tr><th>Script</th><th>Instances</th><th>Calls/frame</th><th>ms/frame</th><th>ms/call</th><th>KiB/frame</th></tr></thead>
  <tbody></tbody>
</table>
<h2>Scene <span class="muted">(top-down; click an entity to select it in the World inspector)</span></h2>
<div class="muted">Axes: <select id="axes"><option value="auto">auto</option><option value="xz">x / z</option><option value="xy">x / y</option></select> <span id="axes-used"></span></div>
<svg id="scene" width="600" height="360" data-entities="0"></svg>
<h2>Trace</h2>
<div class="row"><button id="record">Record trace (120 frames)</button><span id="trace" class="muted"></span></div>
<script nonce="${nonce}">
(function () {
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const fmt = (n, d) => (n === undefined || n === null ? '–' : Number(n).toFixed(d));
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  let selected;

  function drawGraph(history) {
    const svg = $('graph'), W = 600, H = 160;
    // The scale follows the 95th percentile of the max, so that one start-up hitch does not flatten the rest.
    const maxes = history.map((p) => p.max).sort((a, b) => a - b);
    const top = Math.max(16.7, maxes.length ? maxes[Math.floor(0.95 * (maxes.length - 1))] : 0) * 1.2;
    const clip = (v) => Math.min(v, top);
    const x = (i) => (W * i) / 299;
    const y = (v) => H - (H * v) / top;
    svg.querySelector('.ms').setAttribute('points', history.map((p, i) => x(i).toFixed(1) + ',' + y(clip(p.ms)).toFixed(1)).join(' '));
    svg.querySelector('.max').setAttribute('points', history.map((p, i) => x(i).toFixed(1) + ',' + y(clip(p.max)).toFixed(1)).join(' '));
    const b = $('budget'); b.setAttribute('y1', y(16.7)); b.setAttribute('y2', y(16.7));
    $('graph-top').textContent = top.toFixed(1) + ' ms (dashed: 16.7 ms)';
    svg.dataset.samples = String(history.length);
  }

  function drawTable(rows) {
    $('scripts').querySelector('tbody').innerHTML = rows.map((r) =>
      '<tr data-script="' + esc(r.path) + '"><td>' + esc(r.path) + '</td><td>' + r.instances + '</td><td>' + fmt(r.callsPerFrame, 2) +
      '</td><td>' + fmt(r.msPerFrame, 3) + '</td><td>' + fmt(r.msPerCall, 4) +
      '</td><td>' + fmt(r.kibPerFrame, 2) + '</td></tr>').join('');
  }

  function axes(entities) {
    const mode = $('axes').value;
    if (mode !== 'auto') return mode;
    const ps = entities.filter((e) => e.position).map((e) => e.position);
    if (ps.length === 0) return 'xz';
    const spread = (k) => Math.max(...ps.map((p) => p[k])) - Math.min(...ps.map((p) => p[k]));
    return spread(1) <= 0.1 * Math.max(spread(0), spread(2), 1) ? 'xz' : 'xy';
  }

  let lastEntities = [];
  function drawScene(entities) {
    lastEntities = entities;
    const svg = $('scene'), W = 600, H = 360, pad = 30;
    const mode = axes(entities);
    $('axes-used').textContent = mode === 'xz' ? '(x → right, z → down)' : '(x → right, y → up)';
    const placed = entities.filter((e) => e.position).map((e) => ({ e, u: e.position[0], v: mode === 'xz' ? e.position[2] : -e.position[1] }));
    let minU = Math.min(...placed.map((p) => p.u)), maxU = Math.max(...placed.map((p) => p.u));
    let minV = Math.min(...placed.map((p) => p.v)), maxV = Math.max(...placed.map((p) => p.v));
    if (placed.length === 0) { minU = minV = -5; maxU = maxV = 5; }
    const span = Math.max(maxU - minU, maxV - minV, 10);
    const cu = (minU + maxU) / 2, cv = (minV + maxV) / 2;
    const scale = Math.min(W - 2 * pad, H - 2 * pad) / span;
    const sx = (u) => W / 2 + (u - cu) * scale, sy = (v) => H / 2 + (v - cv) * scale;
    svg.innerHTML = placed.map((p) => {
      const label = esc((p.e.name || '') + ' #' + p.e.id);
      return '<g><circle data-entity="' + p.e.id + '" class="' + (p.e.id === selected ? 'selected' : '') + '" cx="' + sx(p.u).toFixed(1) + '" cy="' + sy(p.v).toFixed(1) +
        '" r="7"><title>' + label + '</title></circle><text x="' + (sx(p.u) + 9).toFixed(1) + '" y="' + (sy(p.v) + 3).toFixed(1) + '">' + label + '</text></g>';
    }).join('');
    svg.dataset.entities = String(placed.length);
  }

  $('scene').addEventListener('click', (ev) => {
    const id = ev.target && ev.target.dataset ? ev.target.dataset.entity : undefined;
    if (id === undefined) return;
    selected = Number(id);
    drawScene(lastEntities);
    vscode.postMessage({ type: 'select', entity: selected });
  });
  $('axes').addEventListener('change', () => drawScene(lastEntities));
  $('record').addEventListener('click', () => vscode.postMessage({ type: 'record' }));

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m.type === 'connection') {
      $('connection').textContent = m.connected ? 'Connected to the running game.' : 'No game running: start one with Crescent: Run Game.';
      $('record').disabled = !m.connected;
    } else if (m.type === 'stats') {
      drawGraph(m.history || []);
      drawTable(m.rows || []);
      const s = m.latest;
      if (s) $('summary').textContent = 'frame ' + s.frame + ' · ' + s.entities + ' entities · ' + s.instances + ' instances · ' + s.faulted +
        ' faulted · ' + s.errors + ' errors · Lua ' + fmt(s.lua_kib, 0) + ' KiB';
    } else if (m.type === 'entities') {
      drawScene(m.entities || []);
    } else if (m.type === 'trace') {
      $('trace').textContent = m.text;
      $('trace').dataset.state = m.state;
      $('record').disabled = m.state === 'recording';
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body>
</html>`;
}
