/* Monitor Sociaal Domein: what every chart needs besides drawing it.
   - the page's chart specs (JSON block #grafieken) handed to the drawer of their kind:
     grafiek-plotly.js (trend, staven, verdeling: Plotly.js) and grafiek-kaart.js (the SVG map)
     register themselves in GMSD.tekenaars and are loaded only by pages that need them;
   - the figures of one indicator for every gemeente (data/<id>.js), loaded once on demand;
   - the download buttons under each chart: its data as a Dutch CSV (";" and decimal comma,
     formulas neutralised) and its picture as SVG and PNG (the drawer makes those);
   - Dutch number formatting and the reasons for secrecy, shared with the compare tool.
   Secret figures are never in the data: a drawer shows a gap, an empty bar or a hatched gemeente. */
(function () {
  "use strict";
  var G = window.GMSD = window.GMSD || {};
  var ROOT = document.body.getAttribute("data-root") || "";
  var REDENEN = { k: "klein aantal", n: "noemer te klein", t: "te weinig trajecten", a: "aanvullend geheim", g: "geheim" };

  function fmt(v, d) {
    if (v === null || v === undefined || typeof v !== "number") return ".";
    return v.toLocaleString("nl-NL", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function namen() {
    var out = {};
    ((window.GMSD_ZOEK || {}).gemeenten || []).forEach(function (g) { out[g[0]] = g[1]; });
    return out;
  }

  // ---------------------------------------------------------------- data of one indicator, on demand
  function laadScript(src, done, fail) {
    var s = document.createElement("script");
    s.src = src; s.onload = done || function () {}; s.onerror = fail || function () {};
    document.head.appendChild(s);
  }
  var wachtend = {}, geladen = {};
  G.data = function (payload) {  // called by data/<id>.js
    geladen[payload.id] = payload;
    (wachtend[payload.id] || []).forEach(function (cb) { cb(payload); });
    delete wachtend[payload.id];
  };
  function laad(id, cb) {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) return;
    if (geladen[id]) return cb(geladen[id]);
    if (wachtend[id]) { wachtend[id].push(cb); return; }
    wachtend[id] = [cb];
    laadScript(ROOT + "data/" + id + ".js");
  }

  // ---------------------------------------------------------------- the numbers behind a chart, as rows
  var RIJEN = {
    trend: function (spec) {
      var rows = [["periode"].concat(spec.reeksen.map(function (s) { return s.naam; }))];
      if (spec.band) rows[0].push(spec.band.naam + " P25", spec.band.naam + " P75");
      spec.x.forEach(function (x, i) {
        var row = [x].concat(spec.reeksen.map(function (s) { return s.w[i]; }));
        if (spec.band) row.push(spec.band.laag[i], spec.band.hoog[i]);
        rows.push(row);
      });
      return rows;
    },
    staven: function (spec) {
      var rows = [["categorie"].concat(spec.reeksen.map(function (s) { return s.naam; }))];
      spec.categorieen.forEach(function (c, i) { rows.push([c].concat(spec.reeksen.map(function (s) { return s.w[i]; }))); });
      return rows;
    },
    verdeling: function (spec) {
      var rows = [["gemeente", "gemeentecode", spec.titel]];
      spec.namen.forEach(function (naam, i) { rows.push([naam, spec.codes[i], spec.w[i]]); });
      return rows;
    }
  };

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
  /* Buttons under a figure. `chart()` gives the current chart: {rijen(), svg(name), png(name)}
     (a function, because the compare tool redraws its chart). */
  function toolbar(figure, chart, name) {
    var bar = document.createElement("div");
    bar.className = "downloads";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Download deze grafiek");
    [["CSV", "CSV (cijfers van deze grafiek)", function (c) { save(new Blob([csvText(c.rijen())], { type: "text/csv;charset=utf-8" }), name + ".csv"); }],
     ["SVG", "SVG (grafiek als afbeelding)", function (c) { c.svg(name); }],
     ["PNG", "PNG (grafiek als afbeelding)", function (c) { c.png(name); }]].forEach(function (item) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = item[0]; b.setAttribute("aria-label", item[1]);
      b.setAttribute("data-download", item[0].toLowerCase());
      b.addEventListener("click", function () { var c = chart(); if (c) item[2](c); });
      bar.appendChild(b);
    });
    figure.appendChild(bar);
  }

  // ---------------------------------------------------------------- one chart in its container
  G.tekenaars = G.tekenaars || {};  // soort -> function (container, spec) -> chart
  function teken(container, spec) {
    var draw = G.tekenaars[spec.soort];
    if (!draw) return null;
    var chart = draw(container, spec);
    container.style.minHeight = "";
    toolbar(container.parentNode, function () { return chart; }, spec.bestand);
    return chart;
  }

  function start() {
    var source = document.getElementById("grafieken"), specs = source ? JSON.parse(source.textContent) : {};
    document.querySelectorAll("[data-grafiek]").forEach(function (container) {
      var spec = specs[container.getAttribute("data-grafiek")];
      if (spec) teken(container, spec);
    });
  }

  G.fmt = fmt; G.isNum = isNum; G.esc = esc; G.namen = namen; G.ROOT = ROOT; G.REDENEN = REDENEN;
  G.laadScript = laadScript; G.laad = laad; G.rijen = RIJEN; G.csvText = csvText; G.save = save; G.toolbar = toolbar;
  G.teken = teken;
  // The drawers are deferred scripts after this one: start when all of them have run.
  if (document.readyState === "complete") start(); else document.addEventListener("DOMContentLoaded", start);
})();
