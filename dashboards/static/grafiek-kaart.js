/* Monitor Sociaal Domein: the map of all gemeenten, coloured by an indicator, as SVG paths from the
   CBS boundaries (kaart.js, decoded from TopoJSON at build time). Not a Plotly chart: Plotly's
   `geo` fetches a base map from a CDN, and the site makes no request outside its own folder.
   Five classes (quintiles of the published values), secret gemeenten hatched with the reason in
   the tooltip, no figure light grey; the gemeente of the page thick, its peers dashed. The title,
   legend and source are inside the SVG, so a downloaded picture explains itself.
   Needs grafiek.js (loaded before it). */
(function () {
  "use strict";
  var G = window.GMSD;
  var NS = "http://www.w3.org/2000/svg";
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var TEKST = "#1b1f24", ZACHT = "#57606a", GEEN = "#f0f1f3";
  var KLASSEN = ["#e3eef8", "#b3d0ea", "#78aed8", "#3c84bf", "#175a92"];
  var BRON = "Bron: Monitor Sociaal Domein";
  var fmt = G.fmt, isNum = G.isNum, esc = G.esc;

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, content, attrs) {
    var a = { x: x, y: y, "font-family": FONT, "font-size": 12, fill: TEKST };
    for (var k in attrs || {}) a[k] = attrs[k];
    var node = el("text", a, parent);
    node.textContent = content;
    return node;
  }
  function width(s, size) { return String(s).length * (size || 12) * 0.56; }

  // Title and a legend of filled boxes that wraps to the width; returns where the map starts.
  function frame(svg, titel, W, legend) {
    var y = 18;
    text(svg, 0, y, titel, { "font-size": 14, "font-weight": 600 });
    y += 10;
    var x = 0, rows = legend.length ? 1 : 0;
    legend.forEach(function (item) {
      var w = 22 + width(item.naam, 12) + 14;
      if (x > 0 && x + w > W) { x = 0; y += 18; rows++; }
      el("rect", { x: x, y: y + 6, width: 16, height: 10, fill: item.kleur }, svg);
      text(svg, x + 21, y + 15, item.naam);
      x += w;
    });
    return y + (rows ? 26 : 8);
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
  function classes(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; }), out = [];
    for (var q = 1; q < 5; q++) out.push(sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / 5))]);
    return out;
  }

  function draw(container, spec, state) {
    var kaart = window.GMSD_KAART, data = state.data, names = G.namen();
    var idx = data.periodes.indexOf(state.periode);
    if (idx < 0) idx = data.periodes.length - 1;
    var values = [], d = data.decimalen;
    Object.keys(data.w).forEach(function (code) { var v = data.w[code][idx]; if (isNum(v)) values.push(v); });
    var bounds = classes(values);
    function colour(v) { var c = 0; while (c < bounds.length && v > bounds[c]) c++; return KLASSEN[c]; }
    var W = Math.max(280, Math.min(container.clientWidth, 560));
    var titel = data.titel + " (" + data.eenheid + "), " + data.x[idx];
    var legend = [];
    var lows = [Math.min.apply(null, values)].concat(bounds), highs = bounds.concat([Math.max.apply(null, values)]);
    if (values.length) KLASSEN.forEach(function (k, i) { legend.push({ naam: fmt(lows[i], d) + "–" + fmt(highs[i], d), kleur: k }); });
    legend.push({ naam: "geheim", kleur: "url(#arcering)" });
    legend.push({ naam: "geen cijfer", kleur: GEEN });
    var probe = svgFor(container, W, 10, ""), top = frame(probe, titel, W, legend);
    container.removeChild(probe);
    var scale = W / kaart.breedte, H = top + kaart.hoogte * scale + 22;
    var svg = svgFor(container, W, H, "Kaart: " + titel);
    var defs = el("defs", {}, svg), pattern = el("pattern", { id: "arcering", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
    el("rect", { width: 6, height: 6, fill: "#fff" }, pattern);
    el("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#6e7781", "stroke-width": 2 }, pattern);
    frame(svg, titel, W, legend);
    var g = el("g", { transform: "translate(0," + top + ") scale(" + scale + ")" }, svg), outlines = [], shapes = {}, peers = {};
    (spec.peers || []).forEach(function (c) { peers[c] = true; });
    Object.keys(kaart.gemeenten).forEach(function (code) {
      var entry = data.w[code], v = entry ? entry[idx] : null, fill = GEEN;
      if (isNum(v)) fill = colour(v); else if (typeof v === "string") fill = "url(#arcering)";
      shapes[code] = el("path", { d: kaart.gemeenten[code].d, fill: fill, stroke: "#fff", "stroke-width": 0.54 / scale }, g);
      if (code === spec.eigen || peers[code]) outlines.push(code);
    });
    outlines.sort(function (a) { return a === spec.eigen ? 1 : -1; }).forEach(function (code) {
      el("path", { d: kaart.gemeenten[code].d, fill: "none", stroke: "#111", "stroke-width": (code === spec.eigen ? 2.5 : 1.3) / scale,
                   "stroke-dasharray": code === spec.eigen ? null : (3 / scale) + " " + (2 / scale) }, g);
    });
    text(svg, 0, H - 4, (window.GMSD_KAART_BRON || "Grenzen: CBS/Kadaster, CC BY 4.0") + " · " + BRON, { "font-size": 10, fill: ZACHT });
    var tip = tooltip(container);
    function describe(code) {
      var entry = data.w[code], v = entry ? entry[idx] : null, naam = names[code] || kaart.gemeenten[code].naam;
      var what = isNum(v) ? fmt(v, d) + " " + data.eenheid : typeof v === "string" ? ". geheim (" + (G.REDENEN[v] || "geheim") + ")" : "geen cijfer";
      return "<strong>" + esc(naam) + "</strong><br>" + esc(what);
    }
    g.addEventListener("pointermove", function (event) {
      var code = null;
      for (var c in shapes) if (shapes[c] === event.target) { code = c; break; }
      if (!code) return tip.hide();
      var box = svg.getBoundingClientRect();
      tip.show(describe(code), event.clientX - box.left, event.clientY - box.top);
    });
    svg.addEventListener("pointerleave", function () { tip.hide(); });
    state.svg = svg;
    state.rijen = function () {
      var rows = [["gemeente", "gemeentecode", data.titel + " (" + data.eenheid + "), " + data.x[idx]]];
      Object.keys(data.w).forEach(function (code) {
        var v = data.w[code][idx];
        rows.push([names[code] || code, code, isNum(v) ? v : typeof v === "string" ? "." : ""]);
      });
      return rows;
    };
  }

  function svgText(svg) { return new XMLSerializer().serializeToString(svg); }
  function png(svg, name) {
    var image = new Image(), box = svg.viewBox.baseVal;
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = box.width * 2; canvas.height = box.height * 2;
      var ctx = canvas.getContext("2d");
      ctx.scale(2, 2); ctx.drawImage(image, 0, 0);
      canvas.toBlob(function (blob) { G.save(blob, name + ".png"); });
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText(svg));
  }

  // The map with its pickers (indicator, periode); data and boundaries load on demand.
  G.tekenaars.kaart = function (container, spec) {
    var state = {}, picker = document.createElement("div");
    picker.className = "kaartkeuze";
    container.parentNode.insertBefore(picker, container);
    function render() {
      Array.prototype.slice.call(container.childNodes).forEach(function (c) { container.removeChild(c); });
      draw(container, spec, state);
    }
    function load(indicator, periode) {
      G.laad(indicator, function (data) {
        state.data = data;
        state.periode = periode && data.periodes.indexOf(periode) >= 0 ? periode : data.laatste;
        buildPicker(data);
        if (window.GMSD_KAART) render();
        else G.laadScript(G.ROOT + "kaart.js", render);
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
    var last = container.clientWidth;
    window.addEventListener("resize", function () {
      if (state.svg && Math.abs(container.clientWidth - last) > 20) { last = container.clientWidth; render(); }
    });
    load(spec.indicator, spec.periode);
    return {
      rijen: function () { return state.rijen ? state.rijen() : []; },
      svg: function (name) { if (state.svg) G.save(new Blob([svgText(state.svg)], { type: "image/svg+xml" }), name + ".svg"); },
      png: function (name) { if (state.svg) png(state.svg, name); }
    };
  };
})();
