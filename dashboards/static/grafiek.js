/* Monitor Sociaal Domein: charts and the map, drawn as SVG from the page's JSON (the compare tool,
   vergelijk.js, draws with the same functions).
   No library and nothing from outside the site. Every chart has its numbers in a table beside it
   (the text alternative); here: a title, a legend and the source inside the SVG (so a downloaded
   picture explains itself), a tooltip on hover or tap, and buttons to download the chart's data
   (CSV, Dutch: ";" and decimal comma) and the picture (SVG, PNG).
   Secret figures are never in the data: a gap in a line, "." on a bar, hatched on the map. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var G = window.GMSD = window.GMSD || {};
  var ROOT = document.body.getAttribute("data-root") || "";
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var KLEUR = { eigen: "#1f5f8b", groep: "#57606a", totaal: "#b4410f", band: "rgba(31,95,139,0.14)", tekst: "#1b1f24",
                zacht: "#57606a", lijn: "#d8dee4", as: "#8c959f" };
  var PALET = ["#1f5f8b", "#b4410f", "#2f6f3e", "#6f42c1", "#8a6d00", "#b42363", "#3b6e8f", "#5a5a5a"];
  var KAARTKLEUREN = ["#e3eef8", "#b3d0ea", "#78aed8", "#3c84bf", "#175a92"];
  var REDENEN = { k: "klein aantal", n: "noemer te klein", t: "te weinig trajecten", a: "aanvullend geheim", g: "geheim" };
  var BRON = "Bron: Monitor Sociaal Domein";

  // ---------------------------------------------------------------- helpers
  function fmt(v, d) {
    if (v === null || v === undefined || typeof v !== "number") return ".";
    return v.toLocaleString("nl-NL", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, content, attrs) {
    var a = { x: x, y: y, "font-family": FONT, "font-size": 12, fill: KLEUR.tekst };
    for (var k in attrs || {}) a[k] = attrs[k];
    var node = el("text", a, parent);
    node.textContent = content;
    return node;
  }
  function width(s, size) { return String(s).length * (size || 12) * 0.56; }
  function nice(max) {
    if (!(max > 0)) return { max: 1, step: 0.2 };
    var raw = max / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    var step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
    return { max: Math.ceil(max / step) * step, step: step };
  }
  function decimalsOf(step) { return step >= 1 ? 0 : step >= 0.1 ? 1 : 2; }
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  G.laadScript = function (src, done, fail) {
    var s = document.createElement("script");
    s.src = src; s.onload = done; s.onerror = fail || function () {};
    document.head.appendChild(s);
  };
  var wachtend = {}, geladen = {};
  G.data = function (payload) {
    geladen[payload.id] = payload;
    (wachtend[payload.id] || []).forEach(function (cb) { cb(payload); });
    delete wachtend[payload.id];
  };
  G.laad = function (id, cb) {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) return;
    if (geladen[id]) return cb(geladen[id]);
    if (wachtend[id]) { wachtend[id].push(cb); return; }
    wachtend[id] = [cb];
    G.laadScript(ROOT + "data/" + id + ".js");
  };
  function laadKaart(cb) {
    if (window.GMSD_KAART) return cb(window.GMSD_KAART);
    G.laadScript(ROOT + "kaart.js", function () { cb(window.GMSD_KAART); });
  }
  function namen() {
    var out = {};
    ((window.GMSD_ZOEK || {}).gemeenten || []).forEach(function (g) { out[g[0]] = g[1]; });
    return out;
  }

  // ---------------------------------------------------------------- frame: title, legend, source
  function frame(svg, spec, W, legend) {
    var y = 18;
    text(svg, 0, y, spec.titel, { "font-size": 14, "font-weight": 600 });
    y += 10;
    var x = 0, rows = legend.length ? 1 : 0;
    legend.forEach(function (item) {
      var w = 22 + width(item.naam, 12) + 14;
      if (x > 0 && x + w > W) { x = 0; y += 18; rows++; }
      var g = el("g", {}, svg);
      if (item.soort === "vlak") el("rect", { x: x, y: y + 6, width: 16, height: 10, fill: item.kleur }, g);
      else {
        el("line", { x1: x, x2: x + 16, y1: y + 11, y2: y + 11, stroke: item.kleur, "stroke-width": item.dik || 2,
                     "stroke-dasharray": item.streep || null }, g);
        if (item.punt) el("circle", { cx: x + 8, cy: y + 11, r: 3.5, fill: item.kleur }, g);
      }
      text(g, x + 21, y + 15, item.naam);
      x += w;
    });
    return y + (rows ? 26 : 8);
  }
  function source(svg, W, H) {
    text(svg, W, H - 4, BRON, { "font-size": 10, fill: KLEUR.zacht, "text-anchor": "end" });
  }
  function svgFor(container, W, H, label) {
    var svg = el("svg", { xmlns: NS, viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
                          "aria-label": label, "font-family": FONT });
    el("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }, svg);
    container.appendChild(svg);
    return svg;
  }
  function tooltip(container) {
    var tip = document.createElement("div");
    tip.className = "tip"; tip.hidden = true;
    container.appendChild(tip);
    return {
      show: function (html, x, y) {
        tip.innerHTML = html; tip.hidden = false;
        var left = Math.min(Math.max(0, x + 12), container.clientWidth - tip.offsetWidth - 4);
        tip.style.left = left + "px"; tip.style.top = Math.max(0, y - tip.offsetHeight - 8) + "px";
      },
      hide: function () { tip.hidden = true; }
    };
  }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function pointer(svg, event) {
    var box = svg.getBoundingClientRect();
    return { x: (event.clientX - box.left) * (svg.viewBox.baseVal.width / box.width), y: event.clientY - box.top,
             px: event.clientX - box.left, py: event.clientY - box.top };
  }

  // ---------------------------------------------------------------- trend and lines
  function styleOf(serie, i) {
    if (serie.rol === "eigen") return { kleur: KLEUR.eigen, dik: 3, punt: 4.5 };
    if (serie.rol === "groep") return { kleur: KLEUR.groep, dik: 2, streep: "6 4", punt: 3.5 };
    if (serie.rol === "totaal") return { kleur: KLEUR.totaal, dik: 2, streep: "2 3", punt: 3.5 };
    return { kleur: PALET[i % PALET.length], dik: 2.5, punt: 4 };
  }
  function drawTrend(container, spec) {
    var W = Math.max(280, container.clientWidth), d = spec.decimalen;
    var legend = spec.reeksen.map(function (s, i) { var st = styleOf(s, i); return { naam: s.naam, kleur: st.kleur, dik: st.dik, streep: st.streep, punt: true }; });
    if (spec.band) legend.splice(1, 0, { naam: spec.band.naam, kleur: KLEUR.band, soort: "vlak" });
    var probe = svgFor(container, W, 10, "");
    var top = frame(probe, spec, W, legend);
    container.removeChild(probe);
    var H = top + 210;
    var svg = svgFor(container, W, H, spec.titel);
    frame(svg, spec, W, legend);
    var values = [];
    spec.reeksen.forEach(function (s) { s.w.forEach(function (v) { if (isNum(v)) values.push(v); }); });
    if (spec.band) spec.band.hoog.forEach(function (v) { if (isNum(v)) values.push(v); });
    var scale = nice(Math.max.apply(null, values.concat([0])));
    var tickD = Math.max(decimalsOf(scale.step), 0);
    var left = 8 + width(fmt(scale.max, tickD), 11), right = 12, bottom = 40, plotTop = top + 14;
    var pw = W - left - right, ph = H - plotTop - bottom, n = spec.x.length;
    function X(i) { return left + (n === 1 ? pw / 2 : pw * (i + 0.5) / n); }
    function Y(v) { return plotTop + ph - (v / scale.max) * ph; }
    text(svg, left - 4, plotTop - 6, spec.eenheid, { "font-size": 11, fill: KLEUR.zacht, "text-anchor": "start" });
    for (var t = 0; t <= scale.max + 1e-9; t += scale.step) {
      el("line", { x1: left, x2: W - right, y1: Y(t), y2: Y(t), stroke: KLEUR.lijn }, svg);
      text(svg, left - 6, Y(t) + 4, fmt(t, tickD), { "font-size": 11, fill: KLEUR.zacht, "text-anchor": "end" });
    }
    var every = Math.ceil(n / Math.max(1, Math.floor(pw / 62)));
    spec.xk.forEach(function (label, i) {
      if (i % every === 0 || i === n - 1) text(svg, X(i), plotTop + ph + 18, label, { "font-size": 11, "text-anchor": "middle", fill: KLEUR.zacht });
    });
    (spec.breuken || []).forEach(function (b) {
      var bx = n === 1 ? X(0) : (X(b.x) + X(Math.max(0, b.x - 1))) / 2;
      el("line", { x1: bx, x2: bx, y1: plotTop, y2: plotTop + ph, stroke: KLEUR.totaal, "stroke-dasharray": "3 3" }, svg);
      text(svg, bx + 3, plotTop + 10, "trendbreuk", { "font-size": 10, fill: KLEUR.totaal });
    });
    if (spec.band) {
      var lo = spec.band.laag, hi = spec.band.hoog, seg = [];
      var flush = function () {
        if (seg.length) {
          var pts = seg.map(function (i) { return X(i) + "," + Y(hi[i]); }).concat(seg.slice().reverse().map(function (i) { return X(i) + "," + Y(lo[i]); }));
          if (seg.length === 1) { var i0 = seg[0]; el("line", { x1: X(i0), x2: X(i0), y1: Y(hi[i0]), y2: Y(lo[i0]), stroke: KLEUR.band, "stroke-width": 12 }, svg); }
          else el("polygon", { points: pts.join(" "), fill: KLEUR.band }, svg);
        }
        seg = [];
      };
      for (var i = 0; i < n; i++) { if (isNum(lo[i]) && isNum(hi[i])) seg.push(i); else flush(); }
      flush();
    }
    spec.reeksen.forEach(function (s, si) {
      var st = styleOf(s, si), path = "", pen = false;
      s.w.forEach(function (v, i) {
        if (!isNum(v)) { pen = false; return; }
        path += (pen ? "L" : "M") + X(i).toFixed(1) + " " + Y(v).toFixed(1);
        pen = true;
      });
      if (path) el("path", { d: path, fill: "none", stroke: st.kleur, "stroke-width": st.dik, "stroke-dasharray": st.streep || null }, svg);
      s.w.forEach(function (v, i) { if (isNum(v)) el("circle", { cx: X(i), cy: Y(v), r: st.punt, fill: st.kleur }, svg); });
    });
    source(svg, W, H);
    var tip = tooltip(container), guide = el("line", { y1: plotTop, y2: plotTop + ph, stroke: KLEUR.as, visibility: "hidden" }, svg);
    function show(event) {
      var p = pointer(svg, event), i = Math.max(0, Math.min(n - 1, Math.round(((p.x - left) / pw) * n - 0.5)));
      guide.setAttribute("x1", X(i)); guide.setAttribute("x2", X(i)); guide.setAttribute("visibility", "visible");
      var html = "<strong>" + esc(spec.x[i]) + "</strong>";
      spec.reeksen.forEach(function (s) { html += "<br>" + esc(s.naam) + ": " + fmt(s.w[i], d); });
      if (spec.band && isNum(spec.band.laag[i])) html += "<br>P25–P75: " + fmt(spec.band.laag[i], d) + "–" + fmt(spec.band.hoog[i], d);
      tip.show(html, p.px, p.py);
    }
    svg.addEventListener("pointermove", show);
    svg.addEventListener("pointerdown", show);
    svg.addEventListener("pointerleave", function () { tip.hide(); guide.setAttribute("visibility", "hidden"); });
    return svg;
  }
  function csvTrend(spec) {
    var rows = [["periode"].concat(spec.reeksen.map(function (s) { return s.naam; }))];
    if (spec.band) { rows[0].push(spec.band.naam + " P25", spec.band.naam + " P75"); }
    spec.x.forEach(function (x, i) {
      var row = [x].concat(spec.reeksen.map(function (s) { return s.w[i]; }));
      if (spec.band) row.push(spec.band.laag[i], spec.band.hoog[i]);
      rows.push(row);
    });
    return rows;
  }

  // ---------------------------------------------------------------- bars
  function drawBars(container, spec) {
    var W = Math.max(280, container.clientWidth), d = spec.decimalen, cats = spec.categorieen, k = spec.reeksen.length;
    var legend = spec.reeksen.map(function (s, i) { return { naam: s.naam, kleur: i === 0 ? KLEUR.eigen : KLEUR.as, soort: "vlak" }; });
    var probe = svgFor(container, W, 10, ""), top = frame(probe, spec, W, legend);
    container.removeChild(probe);
    var barH = 14, gap = 12, rowH = k * barH + gap, H = top + cats.length * rowH + 46;
    var svg = svgFor(container, W, H, spec.titel);
    frame(svg, spec, W, legend);
    var labelW = Math.min(W * 0.42, Math.max.apply(null, cats.map(function (c) { return width(c, 12); })) + 8);
    var values = [];
    spec.reeksen.forEach(function (s) { s.w.forEach(function (v) { if (isNum(v)) values.push(v); }); });
    var scale = nice(Math.max.apply(null, values.concat([0]))), left = labelW + 6, right = 44, pw = W - left - right;
    var plotTop = top + 4;
    function X(v) { return left + (v / scale.max) * pw; }
    for (var t = 0; t <= scale.max + 1e-9; t += scale.step) {
      el("line", { x1: X(t), x2: X(t), y1: plotTop, y2: plotTop + cats.length * rowH, stroke: KLEUR.lijn }, svg);
      text(svg, X(t), plotTop + cats.length * rowH + 14, fmt(t, decimalsOf(scale.step)), { "font-size": 11, fill: KLEUR.zacht, "text-anchor": "middle" });
    }
    cats.forEach(function (cat, ci) {
      var y0 = plotTop + ci * rowH + gap / 2;
      var label = cat, maxChars = Math.floor(labelW / 6.7);
      if (label.length > maxChars) label = label.slice(0, maxChars - 1) + "…";
      var node = text(svg, left - 6, y0 + (k * barH) / 2 + 4, label, { "text-anchor": "end" });
      if (label !== cat) el("title", {}, node).textContent = cat;
      spec.reeksen.forEach(function (s, si) {
        var v = s.w[ci], y = y0 + si * barH;
        if (isNum(v)) el("rect", { x: left, y: y + 1, width: Math.max(0.5, X(v) - left), height: barH - 2, fill: si === 0 ? KLEUR.eigen : KLEUR.as }, svg);
        text(svg, (isNum(v) ? X(v) : left) + 4, y + barH - 3, isNum(v) ? fmt(v, d) : ". (geheim of niet geleverd)", { "font-size": 11, fill: KLEUR.tekst });
      });
    });
    text(svg, left, H - 18, spec.eenheid, { "font-size": 11, fill: KLEUR.zacht });
    source(svg, W, H);
    return svg;
  }
  function csvBars(spec) {
    var rows = [["categorie"].concat(spec.reeksen.map(function (s) { return s.naam; }))];
    spec.categorieen.forEach(function (c, i) { rows.push([c].concat(spec.reeksen.map(function (s) { return s.w[i]; }))); });
    return rows;
  }

  // ---------------------------------------------------------------- distribution of all gemeenten
  function drawDistribution(container, spec) {
    var W = Math.max(280, container.clientWidth), d = spec.decimalen, n = spec.w.length;
    var legend = [{ naam: "Gemeente", kleur: KLEUR.eigen, punt: true, dik: 0 }].concat(spec.lijnen.map(function (l) { return { naam: l.naam, kleur: KLEUR.totaal, streep: "2 3" }; }));
    var probe = svgFor(container, W, 10, ""), top = frame(probe, spec, W, legend);
    container.removeChild(probe);
    var rowsMode = n <= 40, scale = nice(Math.max.apply(null, spec.w.concat(spec.lijnen.map(function (l) { return l.w; })).concat([0])));
    var labelW = rowsMode ? Math.min(W * 0.4, Math.max.apply(null, spec.namen.map(function (s) { return width(s, 12); })) + 8) : 0;
    var left = labelW + 10, right = 16, pw = W - left - right, plotTop = top + 6, r = 4.5;
    function X(v) { return left + (v / scale.max) * pw; }
    var ys = [], levels = 1;
    if (rowsMode) { spec.w.forEach(function (v, i) { ys.push(plotTop + 10 + i * 20); }); }
    else {
      // Dodge: each dot goes to the lowest level where it does not touch a dot placed before.
      var placed = [], order = spec.w.map(function (v, i) { return i; }).sort(function (a, b) { return spec.w[a] - spec.w[b]; });
      var level = {};
      order.forEach(function (i) {
        var x = X(spec.w[i]), l = 0;
        while (placed.some(function (p) { return p.l === l && Math.abs(p.x - x) < 2 * r + 0.5; })) l++;
        placed.push({ x: x, l: l }); level[i] = l; levels = Math.max(levels, l + 1);
        if (placed.length > 60) placed.shift();
      });
      levels = Math.min(levels, 40);
      spec.w.forEach(function (v, i) { ys.push(plotTop + 10 + Math.min(level[i], 39) * (2 * r + 1)); });
    }
    var plotH = rowsMode ? n * 20 + 4 : levels * (2 * r + 1) + 14, H = plotTop + plotH + 44;
    var svg = svgFor(container, W, H, spec.titel);
    frame(svg, spec, W, legend);
    for (var t = 0; t <= scale.max + 1e-9; t += scale.step) {
      el("line", { x1: X(t), x2: X(t), y1: plotTop, y2: plotTop + plotH, stroke: KLEUR.lijn }, svg);
      text(svg, X(t), plotTop + plotH + 14, fmt(t, decimalsOf(scale.step)), { "font-size": 11, fill: KLEUR.zacht, "text-anchor": "middle" });
    }
    text(svg, left, plotTop + plotH + 30, spec.eenheid, { "font-size": 11, fill: KLEUR.zacht });
    spec.lijnen.forEach(function (l) {
      el("line", { x1: X(l.w), x2: X(l.w), y1: plotTop, y2: plotTop + plotH, stroke: KLEUR.totaal, "stroke-width": 2, "stroke-dasharray": "2 3" }, svg);
    });
    var dots = [];
    spec.w.forEach(function (v, i) {
      if (rowsMode) {
        var label = spec.namen[i], max = Math.floor(labelW / 6.7);
        text(svg, left - 8, ys[i] + 4, label.length > max ? label.slice(0, max - 1) + "…" : label, { "text-anchor": "end" });
        el("line", { x1: left, x2: W - right, y1: ys[i], y2: ys[i], stroke: KLEUR.lijn, "stroke-dasharray": "1 3" }, svg);
      }
      dots.push(el("circle", { cx: X(v), cy: ys[i], r: r, fill: KLEUR.eigen, "fill-opacity": rowsMode ? 1 : 0.75 }, svg));
    });
    source(svg, W, H);
    var tip = tooltip(container);
    function nearest(event) {
      var p = pointer(svg, event), best = -1, dist = 1e9;
      spec.w.forEach(function (v, i) { var dd = Math.pow(X(v) - p.x, 2) + Math.pow(ys[i] - p.y * (svg.viewBox.baseVal.width / svg.getBoundingClientRect().width), 2); if (dd < dist) { dist = dd; best = i; } });
      return { i: best, p: p };
    }
    svg.addEventListener("pointermove", function (event) {
      var hit = nearest(event);
      if (hit.i < 0) return;
      tip.show("<strong>" + esc(spec.namen[hit.i]) + "</strong><br>" + fmt(spec.w[hit.i], d) + " " + esc(spec.eenheid), hit.p.px, hit.p.py);
    });
    svg.addEventListener("pointerleave", function () { tip.hide(); });
    svg.addEventListener("click", function (event) {
      var hit = nearest(event);
      if (hit.i >= 0 && spec.links) window.location.href = ROOT + spec.links.replace(/^(\.\.\/)+/, "") + spec.codes[hit.i] + ".html";
    });
    return svg;
  }
  function csvDistribution(spec) {
    var rows = [["gemeente", "gemeentecode", spec.titel]];
    spec.namen.forEach(function (naam, i) { rows.push([naam, spec.codes[i], spec.w[i]]); });
    return rows;
  }

  // ---------------------------------------------------------------- map
  function classes(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; }), out = [];
    for (var q = 1; q < 5; q++) out.push(sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / 5))]);
    return out;
  }
  function drawMap(container, spec, state) {
    var kaart = window.GMSD_KAART, data = state.data, names = namen();
    var idx = data.periodes.indexOf(state.periode);
    if (idx < 0) idx = data.periodes.length - 1;
    var values = [], d = data.decimalen;
    Object.keys(data.w).forEach(function (code) { var v = data.w[code][idx]; if (isNum(v)) values.push(v); });
    var bounds = classes(values);
    function colour(v) { var c = 0; while (c < bounds.length && v > bounds[c]) c++; return KAARTKLEUREN[c]; }
    var W = Math.max(280, Math.min(container.clientWidth, 560));
    var title = { titel: data.titel + " (" + data.eenheid + "), " + data.x[idx] };
    var legend = [];
    var lows = [Math.min.apply(null, values)].concat(bounds), highs = bounds.concat([Math.max.apply(null, values)]);
    if (values.length) KAARTKLEUREN.forEach(function (k, i) { legend.push({ naam: fmt(lows[i], d) + "–" + fmt(highs[i], d), kleur: k, soort: "vlak" }); });
    legend.push({ naam: "geheim", kleur: "url(#arcering)", soort: "vlak" });
    legend.push({ naam: "geen cijfer", kleur: "#f0f1f3", soort: "vlak" });
    var probe = svgFor(container, W, 10, ""), top = frame(probe, title, W, legend);
    container.removeChild(probe);
    var scale = W / kaart.breedte, H = top + kaart.hoogte * scale + 22;
    var svg = svgFor(container, W, H, "Kaart: " + title.titel);
    var defs = el("defs", {}, svg), pattern = el("pattern", { id: "arcering", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
    el("rect", { width: 6, height: 6, fill: "#fff" }, pattern);
    el("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#6e7781", "stroke-width": 2 }, pattern);
    frame(svg, title, W, legend);
    var g = el("g", { transform: "translate(0," + top + ") scale(" + scale + ")" }, svg), outlines = [];
    var peers = {};
    (spec.peers || []).forEach(function (c) { peers[c] = true; });
    var shapes = {};
    Object.keys(kaart.gemeenten).forEach(function (code) {
      var entry = data.w[code], v = entry ? entry[idx] : null, fill = "#f0f1f3";
      if (isNum(v)) fill = colour(v); else if (typeof v === "string") fill = "url(#arcering)";
      shapes[code] = el("path", { d: kaart.gemeenten[code].d, fill: fill, stroke: "#fff", "stroke-width": 0.6 / scale * 0.9 }, g);
      if (code === spec.eigen || peers[code]) outlines.push(code);
    });
    outlines.sort(function (a) { return a === spec.eigen ? 1 : -1; }).forEach(function (code) {
      if (!kaart.gemeenten[code]) return;
      el("path", { d: kaart.gemeenten[code].d, fill: "none", stroke: "#111", "stroke-width": (code === spec.eigen ? 2.5 : 1.3) / scale,
                   "stroke-dasharray": code === spec.eigen ? null : (3 / scale) + " " + (2 / scale) }, g);
    });
    text(svg, 0, H - 4, (window.GMSD_KAART_BRON || "Grenzen: CBS/Kadaster, CC BY 4.0") + " · " + BRON, { "font-size": 10, fill: KLEUR.zacht });
    var tip = tooltip(container);
    function describe(code) {
      var entry = data.w[code], v = entry ? entry[idx] : null, naam = names[code] || kaart.gemeenten[code].naam;
      var what = isNum(v) ? fmt(v, d) + " " + data.eenheid : typeof v === "string" ? ". geheim (" + (REDENEN[v] || "geheim") + ")" : "geen cijfer";
      return "<strong>" + esc(naam) + "</strong><br>" + esc(what);
    }
    g.addEventListener("pointermove", function (event) {
      var code = null;
      for (var c in shapes) if (shapes[c] === event.target) { code = c; break; }
      if (!code) return tip.hide();
      var p = pointer(svg, event);
      tip.show(describe(code), p.px, p.py);
    });
    svg.addEventListener("pointerleave", function () { tip.hide(); });
    state.csv = function () {
      var rows = [["gemeente", "gemeentecode", data.titel + " (" + data.eenheid + "), " + data.x[idx]]];
      Object.keys(data.w).forEach(function (code) {
        var v = data.w[code][idx];
        rows.push([names[code] || code, code, isNum(v) ? v : typeof v === "string" ? "." : ""]);
      });
      return rows;
    };
    return svg;
  }

  // ---------------------------------------------------------------- downloads
  function csvText(rows) {
    return "\ufeff" + rows.map(function (row) {
      return row.map(function (cell) {
        if (cell === null || cell === undefined) return "";
        if (typeof cell === "number") return String(cell).replace(".", ",");
        var s = String(cell);
        if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
        return /[;"\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
      }).join(";");
    }).join("\r\n") + "\r\n";
  }
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function svgText(svg) { return new XMLSerializer().serializeToString(svg); }
  function png(svg, name) {
    var image = new Image(), box = svg.viewBox.baseVal;
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = box.width * 2; canvas.height = box.height * 2;
      var ctx = canvas.getContext("2d");
      ctx.scale(2, 2); ctx.drawImage(image, 0, 0);
      canvas.toBlob(function (blob) { save(blob, name + ".png"); });
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText(svg));
  }
  function toolbar(figure, getSvg, getRows, name) {
    var bar = document.createElement("div");
    bar.className = "downloads";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Download deze grafiek");
    [["CSV", "CSV (cijfers van deze grafiek)", function () { save(new Blob([csvText(getRows())], { type: "text/csv;charset=utf-8" }), name + ".csv"); }],
     ["SVG", "SVG (grafiek als afbeelding)", function () { save(new Blob([svgText(getSvg())], { type: "image/svg+xml" }), name + ".svg"); }],
     ["PNG", "PNG (grafiek als afbeelding)", function () { png(getSvg(), name); }]].forEach(function (item) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = item[0]; b.setAttribute("aria-label", item[1]);
      b.setAttribute("data-download", item[0].toLowerCase());
      b.addEventListener("click", item[2]);
      bar.appendChild(b);
    });
    figure.appendChild(bar);
  }

  // ---------------------------------------------------------------- one chart in a container
  var DRAW = { trend: [drawTrend, csvTrend], staven: [drawBars, csvBars], verdeling: [drawDistribution, csvDistribution] };
  G.teken = function (container, spec) {
    var svg = null, state = {};
    function render() {
      Array.prototype.slice.call(container.childNodes).forEach(function (c) { if (c.nodeName !== "SELECT" && !(c.classList && c.classList.contains("kaartkeuze"))) container.removeChild(c); });
      if (spec.soort === "kaart") svg = drawMap(container, spec, state);
      else svg = DRAW[spec.soort][0](container, spec);
      container.style.minHeight = "";
    }
    function rows() { return spec.soort === "kaart" ? state.csv() : DRAW[spec.soort][1](spec); }
    function start() {
      render();
      toolbar(container.parentNode, function () { return svg; }, rows, spec.bestand);
      var last = container.clientWidth;
      window.addEventListener("resize", function () {
        if (Math.abs(container.clientWidth - last) > 20) { last = container.clientWidth; render(); }
      });
    }
    if (spec.soort !== "kaart") return start();
    var picker = document.createElement("div");
    picker.className = "kaartkeuze";
    container.parentNode.insertBefore(picker, container);
    function load(indicator, periode) {
      G.laad(indicator, function (data) {
        state.data = data; state.periode = periode && data.periodes.indexOf(periode) >= 0 ? periode : data.laatste;
        buildPicker(data);
        if (svg) render(); else laadKaart(start);
      });
    }
    function buildPicker(data) {
      picker.innerHTML = "";
      if (spec.keuze && spec.keuze.length > 1) {
        var id = "kaart-indicator-" + spec.bestand;
        var label = document.createElement("label"); label.htmlFor = id; label.textContent = "Indicator";
        var select = document.createElement("select"); select.id = id;
        spec.keuze.forEach(function (k) { var o = new Option(k.titel, k.id); o.selected = k.id === data.id; select.appendChild(o); });
        select.addEventListener("change", function () { load(select.value, null); });
        picker.appendChild(label); picker.appendChild(select);
      }
      var pid = "kaart-periode-" + spec.bestand;
      var plabel = document.createElement("label"); plabel.htmlFor = pid; plabel.textContent = "Periode";
      var pselect = document.createElement("select"); pselect.id = pid;
      data.periodes.forEach(function (p, i) { var o = new Option(data.x[i], p); o.selected = p === state.periode; pselect.appendChild(o); });
      pselect.addEventListener("change", function () { state.periode = pselect.value; render(); });
      picker.appendChild(plabel); picker.appendChild(pselect);
    }
    load(spec.indicator, spec.periode);
  };

  // What vergelijk.js (the compare tool) draws with.
  G.intern = { drawTrend: drawTrend, csvTrend: csvTrend, toolbar: toolbar, fmt: fmt, esc: esc, isNum: isNum, namen: namen,
               REDENEN: REDENEN, ROOT: ROOT };

  // ---------------------------------------------------------------- start
  function start() {
    var source = document.getElementById("grafieken"), specs = source ? JSON.parse(source.textContent) : {};
    document.querySelectorAll("[data-grafiek]").forEach(function (container) {
      var spec = specs[container.getAttribute("data-grafiek")];
      if (spec) G.teken(container, spec);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
