/* eryx profile report: draws the page from the JSON data in #profile-data
 * (written by src/cli/profile_report.c). Everything drawn is an aggregate:
 * one row per source line, one box per call-tree node, one bar per callback
 * invocation (at most MAX_BARS), never one element per trace event. */
"use strict";
(function () {
  const MAX_BARS = 2000;
  const HOT_LINES = 5;
  const data = JSON.parse(document.getElementById("profile-data").textContent);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "style") e.style.cssText = v;
      else if (k.startsWith("data-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const num = (v) => el("td", { class: "num" }, v);
  function ms(us) {
    if (us === null || us === undefined) return "";
    const m = us / 1000;
    return m >= 100 ? m.toFixed(1) : m >= 1 ? m.toFixed(2) : m.toFixed(3);
  }
  function note(parent, text) { parent.append(el("p", { class: "note" }, text)); }

  function summary() {
    const title = data.title || "program";
    document.title = "eryx profile: " + title;
    document.getElementById("title").textContent = "eryx profile: " + title;
    const dl = document.getElementById("summary");
    const status = data.error ? data.error.kind + (data.error.type ? " (" + data.error.type + ")" : "") : "finished";
    const items = [
      ["status", status, data.error ? "status-error" : "status-ok"],
      ["wall time", data.duration_ms.toFixed(1) + " ms"],
      ["traced", ms(data.traced_us) + " ms"],
      ["trace events", data.events.toLocaleString("en")],
      ["callbacks", data.callbacks.length + data.callbacks_dropped],
      ["peak memory", (data.peak_memory / 1048576).toFixed(1) + " MiB"],
    ];
    for (const [k, v, cls] of items) {
      dl.append(el("div", { "data-key": k }, el("dt", {}, k), el("dd", { class: cls || "" }, v)));
    }
    if (data.incomplete) note(dl.parentNode, "The host ran out of memory while profiling: some figures are missing.");
  }

  function source() {
    const tbody = document.querySelector("#source tbody");
    const lines = data.source.split("\n");
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    const stats = new Map();
    let maxSelf = 0;
    for (const row of data.lines) {
      stats.set(row[0], row);
      if (row[2] > maxSelf) maxSelf = row[2];
    }
    const hot = new Set(data.lines.filter((r) => r[2] > 0).sort((a, b) => b[2] - a[2])
      .slice(0, HOT_LINES).map((r) => r[0]));
    const frag = document.createDocumentFragment();
    lines.forEach((code, i) => {
      const n = i + 1, s = stats.get(n);
      const heat = s && maxSelf > 0 ? s[2] / maxSelf : 0;
      const tr = el("tr", { "data-line": n, class: hot.has(n) ? "hot" : "" },
        el("td", { class: "lineno" }, n),
        el("td", { class: "num count" }, s ? s[1] : ""),
        el("td", { class: "num self" }, s ? ms(s[2]) : ""),
        el("td", { class: "num total" }, s ? ms(s[3]) : ""),
        el("td", { class: "heat" }, heat > 0 ? el("div", { class: "heatbar", style: "width:" + Math.max(2, heat * 100).toFixed(1) + "%" }) : ""),
        el("td", { class: "code" }, code));
      if (heat > 0) tr.style.background = "rgba(217,48,37," + (0.04 + heat * 0.22).toFixed(3) + ")";
      frag.append(tr);
    });
    tbody.append(frag);
    const section = document.getElementById("source-section");
    if (data.source_cut) note(section, "The source is longer than the report shows.");
    if (data.other_lines) note(section, data.other_lines + " line events were outside this source.");
  }

  function flame() {
    const nodes = data.nodes.map((n, i) => ({ i, name: n[0], line: n[1], parent: n[2], calls: n[3], total: n[4], self: n[5], kids: [] }));
    for (const n of nodes) if (n.parent >= 0) nodes[n.parent].kids.push(n);
    const root = nodes[0];
    const box = document.getElementById("flame");
    if (root.kids.length === 0 || root.total <= 0) {
      box.append(el("p", { class: "empty" }, "No calls were traced."));
      return;
    }
    const minWidth = root.total * 0.002; /* boxes narrower than 0.2% are left out */
    function draw(n, parentTotal, depth) {
      const label = n.name + " " + ms(n.total) + " ms";
      const div = el("div", { class: "node", "data-node": n.i, "data-function": n.name,
        style: "width:" + (parentTotal > 0 ? (100 * n.total / parentTotal) : 100).toFixed(3) + "%;--hue:" + ((depth * 37) % 60 + 5) },
        el("div", { class: "label", title: n.name + " (line " + n.line + "): " + n.calls + " calls, total " + ms(n.total) + " ms, own " + ms(n.self) + " ms" }, label));
      const kids = n.kids.filter((k) => k.total >= minWidth).sort((a, b) => b.total - a.total);
      if (kids.length) {
        const row = el("div", { class: "kids" });
        for (const k of kids) row.append(draw(k, n.total, depth + 1));
        div.append(row);
      }
      return div;
    }
    box.append(draw(root, 0, 0));
    if (data.nodes_cut) note(box.parentNode, "The call tree reached its bound: deeper calls are counted in their callers.");

    /* Per function: calls, total (outermost calls only), own time. */
    const byName = new Map();
    function visit(n, open) {
      if (n !== root) {
        let f = byName.get(n.name);
        if (!f) byName.set(n.name, f = { name: n.name, line: n.line, calls: 0, total: 0, self: 0 });
        f.calls += n.calls; f.self += n.self;
        if (!open.has(n.name)) f.total += n.total;
      }
      const inner = new Set(open); if (n !== root) inner.add(n.name);
      for (const k of n.kids) visit(k, inner);
    }
    visit(root, new Set());
    const tbody = document.querySelector("#functions tbody");
    for (const f of [...byName.values()].sort((a, b) => b.total - a.total)) {
      tbody.append(el("tr", { "data-function": f.name }, el("td", {}, f.name), num(f.line), num(f.calls), num(ms(f.total)), num(ms(f.self))));
    }
  }

  function callbacks() {
    const box = document.getElementById("timeline");
    const list = data.callbacks.slice(0, MAX_BARS).map((c) => ({ id: c[0], name: c[1], line: c[2], task: c[3], start: c[4], ms: c[5], error: c[6], args: c[7] }));
    if (list.length === 0) {
      box.append(el("p", { class: "empty" }, "No callbacks were invoked."));
      return;
    }
    let end = data.traced_us;
    for (const c of list) end = Math.max(end, c.start + (c.ms || 0) * 1000);
    const lanes = [];
    list.sort((a, b) => a.start - b.start || a.id - b.id);
    for (const c of list) {
      const stop = c.start + (c.ms === null ? end - c.start : c.ms * 1000);
      let lane = lanes.findIndex((free) => free <= c.start);
      if (lane < 0) { lane = lanes.length; lanes.push(0); }
      lanes[lane] = stop;
      c.lane = lane;
    }
    const laneHeight = 22;
    box.style.height = (lanes.length * laneHeight + 22) + "px";
    const step = niceStep(end / 8);
    for (let t = 0; t <= end; t += step) {
      box.append(el("div", { class: "tick", style: "left:" + (100 * t / end).toFixed(3) + "%" }, ms(t) + " ms"));
    }
    for (const c of list) {
      const width = c.ms === null ? end - c.start : c.ms * 1000;
      const cls = "bar" + (c.error ? " error" : "") + (c.ms === null ? " pending" : "");
      box.append(el("div", { class: cls, "data-id": c.id, "data-name": c.name, "data-lane": c.lane,
        title: c.name + " #" + c.id + " (line " + c.line + (c.task ? ", task " + c.task : "") + "): " + (c.ms === null ? "did not complete" : c.ms.toFixed(3) + " ms") + (c.error ? "\nerror: " + c.error : "") + "\nargs: " + c.args,
        style: "left:" + (100 * c.start / end).toFixed(3) + "%;width:" + (100 * width / end).toFixed(3) + "%;top:" + (20 + c.lane * laneHeight) + "px" },
        c.name + " " + (c.ms === null ? "…" : c.ms.toFixed(1) + " ms")));
    }
    const tbody = document.querySelector("#callbacks tbody");
    for (const c of [...list].sort((a, b) => a.id - b.id)) {
      tbody.append(el("tr", { "data-id": c.id }, num(c.id), el("td", {}, c.name), num(c.line), num(c.task || ""),
        num(ms(c.start)), num(c.ms === null ? "did not complete" : c.ms.toFixed(3)),
        el("td", { class: "error" }, c.error || ""), el("td", { class: "args", title: c.args || "" }, c.args || "")));
    }
    const shown = data.callbacks.length, more = data.callbacks.length - list.length + data.callbacks_dropped;
    if (more > 0) note(box.parentNode, "Showing the first " + list.length + " of " + (shown + data.callbacks_dropped) + " invocations.");
  }

  function niceStep(x) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(x, 1e-3))));
    for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
  }

  function exceptions() {
    const tbody = document.querySelector("#exceptions tbody");
    if (data.exceptions.length === 0) {
      tbody.append(el("tr", {}, el("td", { class: "empty", colSpan: 4 }, "None.")));
      return;
    }
    for (const x of data.exceptions) {
      tbody.append(el("tr", { "data-exception-line": x[0] }, num(x[0]), el("td", {}, x[1]), num(x[3]), el("td", {}, x[2] || "")));
    }
  }

  function output() {
    for (const key of ["stdout", "stderr"]) {
      const pre = document.getElementById(key);
      pre.textContent = data[key] + (data[key + "_cut"] ? "\n[… more output than the report keeps]" : "");
      if (!data[key]) pre.classList.add("empty");
    }
    const box = document.getElementById("error");
    const e = data.error;
    if (!e) { box.append(el("p", {}, "The program ran to its end.")); return; }
    box.append(el("p", {}, el("span", { class: "kind" }, e.kind), ": " + (e.message || "")));
    if (e.traceback) box.append(el("pre", { id: "traceback" }, e.traceback));
  }

  summary();
  source();
  flame();
  callbacks();
  exceptions();
  output();
  document.body.setAttribute("data-ready", "1");
  /* From navigation start to a drawn page (bench/run.py reads it). */
  document.body.setAttribute("data-render-ms", performance.now().toFixed(0));
})();
