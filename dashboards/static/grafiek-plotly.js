/* Monitor Sociaal Domein: the charts, drawn by Plotly.js (plotly-basic.min.js, vendored) from the
   page's JSON specs (dashboards/charts.py). Three kinds:
   - trend: one indicator over the half-years: the gemeente (thick), its comparison group's median
     (dashed) with the group's middle half P25–P75 as a band where the data has it, and all
     participating gemeenten together (dotted); trend breaks as a dotted vertical line with a
     label; a secret or missing figure is a gap in its line. Several gemeenten or categories use
     the same kind (the compare tool, a reeks of counts), one colour each;
   - staven: the categories of a reeks in one periode, the gemeente beside a comparison;
   - verdeling: every published gemeente on one axis (one row each up to 40, else a swarm of dots),
     with the figure of all gemeenten together as a line; a dot links to the gemeente's page.
   Dutch: decimal comma and thousands dot (separators ",.", locale nl), Dutch texts. Title, unit,
   legend and source are inside the chart, so a downloaded PNG or SVG explains itself. No zooming
   or dragging (a phone scrolls over a chart), no Plotly logo, a mode bar with only "download".
   Needs grafiek.js before it; registers its drawers in GMSD.tekenaars. */
(function () {
  "use strict";
  var G = window.GMSD, Plotly = window.Plotly;
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var KLEUR = { eigen: "#1f5f8b", groep: "#57606a", totaal: "#b4410f", band: "rgba(31,95,139,0.16)", tekst: "#1b1f24",
                zacht: "#57606a", raster: "#d8dee4", vergelijk: "#8c959f" };
  var PALET = ["#1f5f8b", "#b4410f", "#2f6f3e", "#6f42c1", "#8a6d00", "#b42363", "#3b6e8f", "#5a5a5a"];
  var BRON = "Bron: Monitor Sociaal Domein";
  var TITEL = 15, KLEIN = 12, REGEL = 1.3;  // font sizes (px) and line height
  var fmt = G.fmt, isNum = G.isNum, esc = G.esc;

  // ---------------------------------------------------------------- text that fits the width
  // Plotly does not wrap text: break it into lines of whole words (pseudo-HTML <br>).
  function lines(text, px, size) {
    var max = Math.max(12, Math.floor(px / (size * 0.56))), out = [], line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > max) { out.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) out.push(line);
    return out;
  }
  function wrap(text, px, size) { return lines(text, px, size).map(esc).join("<br>"); }

  // ---------------------------------------------------------------- what every chart shares
  function config(spec) {
    return {
      locale: "nl",
      locales: { nl: { dictionary: { "Download plot as a PNG": "Download de grafiek als PNG", "Download plot": "Download de grafiek" } } },
      displaylogo: false,
      modeBarButtons: [["toImage"]],
      toImageButtonOptions: { format: "png", filename: spec.bestand, scale: 2 },
      responsive: true,
      scrollZoom: false,
      doubleClick: false,
      showTips: false
    };
  }
  /* Title and subtitle (unit and source) at the top, then the legend, then the plot. Returns the
     layout, the height used above the plot and the width a legend entry's text may take. */
  function frame(spec, W, legendItems) {
    // The title leaves the right end free for the mode bar.
    var title = lines(spec.titel, W - 44, TITEL), sub = lines((spec.eenheid ? "Eenheid: " + spec.eenheid + " · " : "") + BRON, W - 8, KLEIN - 1);
    // As many legend entries per row as the longest fits (at most 3): short names share a row on a phone too.
    var longest = Math.max.apply(null, legendItems.map(function (t) { return String(t).length; }).concat([1]));
    var perRow = Math.max(1, Math.min(3, legendItems.length, Math.floor((W - 16) / (longest * KLEIN * 0.56 + 60))));
    var rows = 0, entryW = (W - 16) / perRow;
    for (var i = 0; i < legendItems.length; i += perRow) {
      var tallest = 1;
      for (var j = i; j < Math.min(i + perRow, legendItems.length); j++) tallest = Math.max(tallest, lines(legendItems[j], entryW - 44, KLEIN).length);
      rows += tallest;
    }
    var titleH = 10 + title.length * TITEL * REGEL + sub.length * (KLEIN - 1) * REGEL + 8;
    var legendH = legendItems.length ? rows * 19 + 10 : 0;
    var layout = {
      title: { text: title.map(esc).join("<br>"), x: 0, xref: "container", xanchor: "left", y: 1, yref: "container", yanchor: "top",
               pad: { t: title.length > 1 ? 21 : 10, l: 2 }, font: { size: TITEL, weight: 600 },  // Plotly lifts a title of several lines by ~11 px
               subtitle: { text: sub.map(esc).join("<br>"), font: { size: KLEIN - 1, color: KLEUR.zacht } } },
      separators: ",.",
      font: { family: FONT, size: KLEIN, color: KLEUR.tekst },
      paper_bgcolor: "#fff", plot_bgcolor: "#fff",
      margin: { t: titleH + legendH, l: 8, r: 16, b: 8, pad: 2 },
      showlegend: legendItems.length > 0,
      legend: { orientation: "h", x: 0, xanchor: "left", xref: "container", y: 1 - titleH / 1, yref: "container", yanchor: "top",
                entrywidth: 1 / perRow, entrywidthmode: "fraction", traceorder: "normal", itemclick: false, itemdoubleclick: false,
                font: { size: KLEIN } },
      dragmode: false,
      modebar: { bgcolor: "rgba(255,255,255,0.9)", color: KLEUR.zacht, activecolor: KLEUR.eigen },
      hoverlabel: { font: { family: FONT, size: KLEIN }, bgcolor: "#fff", bordercolor: KLEUR.vergelijk }
    };
    return { layout: layout, top: titleH + legendH, titleH: titleH, legendPx: entryW - 44 };
  }
  function finish(layout, height, titleH) {
    layout.height = height;
    layout.legend.y = 1 - titleH / height;  // just under the title (container coordinates: 1 = top)
    return layout;
  }
  function valueAxis(extra) {
    var axis = { rangemode: "tozero", fixedrange: true, automargin: true, gridcolor: KLEUR.raster, zeroline: true, zerolinecolor: KLEUR.vergelijk,
                 zerolinewidth: 1,
                 separatethousands: true, exponentformat: "none", tickfont: { color: KLEUR.zacht } };
    for (var k in extra || {}) axis[k] = extra[k];
    return axis;
  }
  function legendName(f, name) { return wrap(name, f.legendPx, KLEIN); }

  // ---------------------------------------------------------------- trend (and lines)
  function style(serie, i) {
    if (serie.rol === "eigen") return { kleur: KLEUR.eigen, dik: 3, punt: 9, rang: 1 };
    if (serie.rol === "groep") return { kleur: KLEUR.groep, dik: 2, streep: "dash", punt: 7, rang: 2 };
    if (serie.rol === "totaal") return { kleur: KLEUR.totaal, dik: 2, streep: "dot", punt: 7, rang: 4 };
    return { kleur: PALET[i % PALET.length], dik: 2.5, punt: 8, rang: 5 + i };
  }
  function trend(spec, W) {
    var d = spec.decimalen, n = spec.x.length, names = spec.reeksen.map(function (s) { return s.naam; });
    if (spec.band) names.splice(Math.min(2, names.length), 0, spec.band.naam);
    var f = frame(spec, W, names), layout = f.layout, traces = [];
    if (spec.band) {
      var lo = spec.band.laag, hi = spec.band.hoog, seg = [], first = true;
      var flush = function () {
        if (!seg.length) return;
        var t;
        if (seg.length === 1) {  // one half-year: a short thick bar from P25 to P75
          t = { x: [spec.x[seg[0]], spec.x[seg[0]]], y: [lo[seg[0]], hi[seg[0]]], mode: "lines", line: { color: KLEUR.band, width: 16 } };
        } else {
          var back = seg.slice().reverse();
          t = { x: seg.map(function (i) { return spec.x[i]; }).concat(back.map(function (i) { return spec.x[i]; })),
                y: seg.map(function (i) { return hi[i]; }).concat(back.map(function (i) { return lo[i]; })),
                mode: "lines", fill: "toself", fillcolor: KLEUR.band, line: { width: 0, color: KLEUR.band } };
        }
        t.type = "scatter"; t.name = legendName(f, spec.band.naam); t.legendgroup = "band"; t.showlegend = first;
        t.hoverinfo = "skip"; t.legendrank = 3;
        traces.push(t);
        first = false; seg = [];
      };
      for (var i = 0; i < n; i++) { if (isNum(lo[i]) && isNum(hi[i])) seg.push(i); else flush(); }
      flush();
    }
    spec.reeksen.forEach(function (s, si) {
      var st = style(s, si);
      traces.push({
        type: "scatter", mode: "lines+markers", x: spec.x, y: s.w, name: legendName(f, s.naam), connectgaps: false,
        line: { color: st.kleur, width: st.dik, dash: st.streep || "solid" }, marker: { color: st.kleur, size: st.punt },
        legendrank: st.rang,
        text: s.w.map(function (v, i) {
          var extra = s.rol === "groep" && spec.band && isNum(spec.band.laag[i]) ? " (P25–P75: " + fmt(spec.band.laag[i], d) + "–" + fmt(spec.band.hoog[i], d) + ")" : "";
          return wrap(s.naam + ": " + fmt(v, d) + extra, W - 90, KLEIN);  // a hover label fits a phone
        }),
        hovertemplate: "%{text}<extra></extra>"
      });
    });
    layout.shapes = []; layout.annotations = [];
    (spec.breuken || []).forEach(function (b) {
      var x = n === 1 ? 0 : b.x - 0.5;
      layout.shapes.push({ type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color: KLEUR.totaal, width: 1.5, dash: "dot" } });
      layout.annotations.push({ xref: "x", yref: "paper", x: x, y: 1, xanchor: "left", yanchor: "top", showarrow: false, text: "trendbreuk",
                                hovertext: esc(b.tekst), font: { size: 10, color: KLEUR.totaal } });
    });
    layout.xaxis = { type: "category", range: [-0.5, n - 0.5], tickvals: spec.x, ticktext: spec.xk.map(esc), fixedrange: true, automargin: true, showgrid: false,
                     tickfont: { color: KLEUR.zacht } };
    layout.yaxis = valueAxis();
    layout.hovermode = "x unified"; layout.hoverdistance = -1;  // anywhere above a half-year shows its figures
    return { data: traces, layout: finish(layout, f.top + 250, f.titleH) };
  }

  // ---------------------------------------------------------------- bars
  function staven(spec, W) {
    var d = spec.decimalen, cats = spec.categorieen, k = spec.reeksen.length;
    var f = frame(spec, W, spec.reeksen.map(function (s) { return s.naam; })), layout = f.layout;
    var labelPx = Math.min(W * 0.38, 220), labels = cats.map(function (c) { return wrap(c, labelPx, KLEIN); });
    layout.annotations = [];
    var traces = spec.reeksen.map(function (s, si) {
      var kleur = si === 0 ? KLEUR.eigen : s.rol === "totaal" ? KLEUR.totaal : KLEUR.vergelijk;
      s.w.forEach(function (v, ci) {
        if (isNum(v)) return;
        var offset = -0.4 + (si + 0.5) * 0.8 / k;  // the centre of this series' bar in its category
        layout.annotations.push({ xref: "x", yref: "y", x: 0, y: ci + offset, xanchor: "left", showarrow: false,
                                  text: ". (geheim of niet geleverd)", font: { size: 11, color: KLEUR.zacht } });
      });
      return {
        type: "bar", orientation: "h", y: labels, x: s.w, name: legendName(f, s.naam), marker: { color: kleur },
        text: s.w.map(function (v) { return isNum(v) ? fmt(v, d) : ""; }), textposition: "outside", cliponaxis: false,
        textfont: { size: 11, color: KLEUR.tekst },
        hovertext: s.w.map(function (v, ci) { return wrap(cats[ci], W - 90, KLEIN) + "<br>" + wrap(s.naam + ": " + fmt(v, d), W - 90, KLEIN); }),
        hovertemplate: "%{hovertext}<extra></extra>"
      };
    });
    layout.barmode = "group"; layout.bargap = 0.2; layout.bargroupgap = 0;
    layout.yaxis = { type: "category", autorange: "reversed", fixedrange: true, automargin: true, ticks: "", tickfont: { color: KLEUR.tekst } };
    layout.xaxis = valueAxis();
    layout.margin.r = 56;  // room for the value beside the longest bar
    layout.hovermode = "closest";
    var rowH = Math.max(k * 17 + 12, 18 * Math.max.apply(null, labels.map(function (l) { return l.split("<br>").length; })) + 8);
    return { data: traces, layout: finish(layout, f.top + cats.length * rowH + 44, f.titleH) };
  }

  // ---------------------------------------------------------------- all gemeenten on one axis
  function verdeling(spec, W) {
    var d = spec.decimalen, n = spec.w.length, rows = n <= 40;
    var legendItems = spec.lijnen.length ? ["Gemeente"].concat(spec.lijnen.map(function (l) { return l.naam; })) : [];
    var f = frame(spec, W, legendItems), layout = f.layout, y, plotH;
    var hover = spec.namen.map(function (naam, i) { return esc(naam) + ": " + fmt(spec.w[i], d) + " " + esc(spec.eenheid); });
    if (rows) {
      y = spec.namen.map(function (naam) { return esc(naam.length > 28 ? naam.slice(0, 27) + "…" : naam); });
      layout.yaxis = { type: "category", autorange: "reversed", fixedrange: true, automargin: true, ticks: "",
                       showgrid: true, gridcolor: KLEUR.raster, griddash: "dot" };
      plotH = n * 22 + 10;
    } else {
      // A swarm: each dot on the lowest level where it does not touch a dot placed before.
      var max = Math.max.apply(null, spec.w.concat(spec.lijnen.map(function (l) { return l.w; })).concat([0])) || 1;
      var pw = W - 60, r = 4.5, placed = [], level = [], levels = 1;
      spec.w.map(function (v, i) { return i; }).sort(function (a, b) { return spec.w[a] - spec.w[b]; }).forEach(function (i) {
        var x = spec.w[i] / max * pw, l = 0;
        while (placed.some(function (p) { return p.l === l && Math.abs(p.x - x) < 2 * r + 0.5; })) l++;
        placed.push({ x: x, l: l }); if (placed.length > 60) placed.shift();
        level[i] = Math.min(l, 39); levels = Math.max(levels, level[i] + 1);
      });
      y = level;
      layout.yaxis = { visible: false, fixedrange: true, range: [-1, levels] };
      plotH = levels * (2 * r + 1) + 20;
    }
    var traces = [{
      type: "scatter", mode: "markers", x: spec.w, y: y, name: "Gemeente", customdata: spec.codes, hovertext: hover,
      hovertemplate: "%{hovertext}<extra></extra>", marker: { color: KLEUR.eigen, size: 9, opacity: rows ? 1 : 0.75 }, legendrank: 1
    }];
    layout.shapes = spec.lijnen.map(function (l, i) {
      return { type: "line", xref: "x", yref: "paper", x0: l.w, x1: l.w, y0: 0, y1: 1, name: legendName(f, l.naam), showlegend: true,
               legendrank: 2 + i, line: { color: KLEUR.totaal, width: 2, dash: "dot" } };
    });
    layout.xaxis = valueAxis({ showgrid: true });
    layout.hovermode = "closest";
    return { data: traces, layout: finish(layout, f.top + plotH + 44, f.titleH), links: spec.links };
  }

  // ---------------------------------------------------------------- drawing, redrawing, pictures
  var FIGUREN = { trend: trend, staven: staven, verdeling: verdeling };
  function draw(container, spec) {
    var make = FIGUREN[spec.soort], width = 0;
    /* The picture is an image with a name (its numbers are in the table beside it); the mode bar's
       download button stays a button. Plotly's second SVG layer (hover labels) is decoration. */
    function name() {
      var layers = container.querySelectorAll(".main-svg");
      if (layers[0]) {
        layers[0].setAttribute("role", "img");
        layers[0].setAttribute("aria-label", "Grafiek: " + spec.titel + ". De cijfers staan in de tabel.");
      }
      for (var i = 1; i < layers.length; i++) layers[i].setAttribute("aria-hidden", "true");
    }
    function render() {
      width = Math.max(280, container.clientWidth);
      var figure = make(spec, width);
      return Plotly.react(container, figure.data, figure.layout, config(spec)).then(name);
    }
    render().then(function () {
      if (spec.soort === "verdeling" && spec.links) {
        container.on("plotly_click", function (event) {
          var code = event.points && event.points[0] && event.points[0].customdata;
          if (code && /^[A-Za-z0-9_-]+$/.test(code)) window.location.href = G.ROOT + spec.links.replace(/^(\.\.\/)+/, "") + code + ".html";
        });
      }
    });
    var timer = null;
    window.addEventListener("resize", function () {  // text wraps and heights follow the width
      clearTimeout(timer);
      timer = setTimeout(function () { if (Math.abs(container.clientWidth - width) > 30) render(); }, 150);
    });
    function picture(format, name) {
      var full = container._fullLayout;
      return Plotly.downloadImage(container, { format: format, filename: name, width: full.width, height: full.height, scale: format === "png" ? 2 : 1 });
    }
    return {
      rijen: function () { return G.rijen[spec.soort](spec); },
      svg: function (name) { return picture("svg", name); },
      png: function (name) { return picture("png", name); },
      opnieuw: function (next) { spec = next; return render(); }  // the compare tool changes its spec
    };
  }
  ["trend", "staven", "verdeling"].forEach(function (soort) { G.tekenaars[soort] = draw; });
})();
