/* Monitor Sociaal Domein: compare gemeenten of your choice. Pick an indicator and gemeenten; they are
   drawn as lines in one chart and side by side in one table. The selection lives in the address
   (?gemeenten=…&indicator=…, or ?vergelijk=… on a gemeente page), so a link reproduces the view
   (permalink); an embed snippet shows only the chart and the table (&insluiten=1).
   Needs grafiek.js and grafiek-plotly.js (the chart is a trend chart with one line per gemeente)
   and zoekindex.js. Without JavaScript the page links to the indicator pages, which have the same
   figures in tables. */
(function () {
  "use strict";
  var G = window.GMSD;
  var fmt = G.fmt, esc = G.esc, isNum = G.isNum, namen = G.namen, REDENEN = G.REDENEN, ROOT = G.ROOT;

  G.vergelijk = function (box) {
    var params = new URLSearchParams(window.location.search), param = box.getAttribute("data-param") || "gemeenten";
    var zoek = window.GMSD_ZOEK || { gemeenten: [], indicatoren: [] }, names = namen();
    var chosen = (params.get(param) || box.getAttribute("data-gemeenten") || "").split(",").filter(function (c) { return names[c]; });
    var indicator = params.get("indicator") || box.getAttribute("data-indicator");
    if (!zoek.indicatoren.some(function (i) { return i[0] === indicator; })) indicator = (zoek.indicatoren[0] || [])[0];
    var embedded = params.get("insluiten") === "1";
    if (embedded) document.body.classList.add("ingesloten");
    box.innerHTML = "";
    var uid = param;
    var controls = document.createElement("div");
    controls.className = "keuzes";
    controls.innerHTML =
      '<p><label for="v-ind-' + uid + '">Indicator</label> <select id="v-ind-' + uid + '"></select></p>' +
      '<p><label for="v-gem-' + uid + '">Gemeente toevoegen</label> <input id="v-gem-' + uid + '" list="v-lijst-' + uid + '" autocomplete="off">' +
      '<datalist id="v-lijst-' + uid + '"></datalist> <button type="button" data-toevoegen>Toevoegen</button></p>' +
      '<p class="melding" role="status" data-melding></p>' +
      '<ul class="gekozen" aria-label="Gekozen gemeenten"></ul>';
    box.appendChild(controls);
    var select = controls.querySelector("select"), input = controls.querySelector("input"), list = controls.querySelector("datalist");
    var chips = controls.querySelector("ul.gekozen"), message = controls.querySelector("[data-melding]");
    zoek.indicatoren.forEach(function (i) { var o = new Option(i[1] + " (" + i[2] + ")", i[0]); o.selected = i[0] === indicator; select.appendChild(o); });
    zoek.gemeenten.forEach(function (g) { var o = document.createElement("option"); o.value = g[1]; list.appendChild(o); });
    var figure = document.createElement("figure");
    figure.className = "grafiek";
    var canvas = document.createElement("div");
    canvas.className = "teken";
    figure.appendChild(canvas);
    var caption = document.createElement("figcaption");
    figure.appendChild(caption);
    box.appendChild(figure);
    var table = document.createElement("div");
    table.className = "tabel"; table.tabIndex = 0; table.setAttribute("role", "region"); table.setAttribute("aria-label", "Vergelijking als tabel");
    box.appendChild(table);
    var share = document.createElement("div");
    share.className = "delen";
    share.innerHTML =
      '<p><label for="v-link-' + uid + '">Link naar deze vergelijking</label> <input id="v-link-' + uid + '" readonly> <button type="button" data-kopieer>Kopieer</button></p>' +
      '<details><summary>Insluiten in een eigen pagina</summary><label for="v-embed-' + uid + '">Code om in te sluiten</label>' +
      '<textarea id="v-embed-' + uid + '" readonly rows="3"></textarea></details>';
    box.appendChild(share);
    var spec = null, chart = null;
    function permalink() {
      var url = new URL(window.location.href);
      url.searchParams.set(param, chosen.join(","));
      url.searchParams.set("indicator", indicator);
      url.searchParams.delete("insluiten");
      return url;
    }
    function update(initial) {
      var url = permalink();
      if (!embedded && initial !== true) history.replaceState(null, "", url.href);  // the address follows a choice
      share.querySelector("input").value = url.href;
      var page = new URL(ROOT + "vergelijk.html", window.location.href);
      page.searchParams.set("gemeenten", chosen.join(",")); page.searchParams.set("indicator", indicator); page.searchParams.set("insluiten", "1");
      share.querySelector("textarea").value = '<iframe src="' + page.href + '" title="Monitor Sociaal Domein: vergelijking" width="100%" height="620" style="border:0"></iframe>';
      chips.innerHTML = "";
      chosen.forEach(function (code) {
        var li = document.createElement("li");
        li.textContent = names[code] + " ";
        var b = document.createElement("button");
        b.type = "button"; b.textContent = "×"; b.setAttribute("aria-label", "Verwijder " + names[code]);
        b.addEventListener("click", function () { chosen = chosen.filter(function (c) { return c !== code; }); update(); });
        li.appendChild(b); chips.appendChild(li);
      });
      G.laad(indicator, function (data) {
        var periodes = data.periodes, d = data.decimalen;
        // The chart has the half-years (a year figure is not on the same scale as a half-year); the table has all.
        var shown = periodes.map(function (p, i) { return i; }).filter(function (i) { return /-H[12]$/.test(periodes[i]); });
        if (!shown.length) shown = periodes.map(function (p, i) { return i; });
        function pick(list) { return shown.map(function (i) { return list[i]; }); }
        spec = { soort: "trend", titel: data.titel + " (" + data.eenheid + ")", eenheid: data.eenheid, decimalen: d,
                 bestand: "vergelijking-" + data.id, x: pick(data.x), xk: pick(data.xk),
                 reeksen: chosen.map(function (code, i) {
                   return { naam: names[code], rol: i === 0 && param === "vergelijk" ? "eigen" : "extra",
                            w: pick(data.w[code] || periodes.map(function () { return null; })).map(function (v) { return isNum(v) ? v : null; }) };
                 }) };
        canvas.hidden = !chosen.length;
        if (chosen.length) {
          if (chart) chart.opnieuw(spec); else chart = G.tekenaars.trend(canvas, spec);
        }
        caption.textContent = chosen.length ? data.titel + " per halfjaar voor " + chosen.map(function (c) { return names[c]; }).join(", ") +
          ". Een ontbrekend punt is geheim of niet geleverd; de tabel geeft alle cijfers." : "Kies een of meer gemeenten.";
        var html = '<table><caption>' + esc(data.titel) + " (" + esc(data.eenheid) + ')</caption><thead><tr><th scope="col">Periode</th>';
        chosen.forEach(function (c) { html += '<th scope="col" class="getal">' + esc(names[c]) + "</th>"; });
        html += "</tr></thead><tbody>";
        periodes.forEach(function (p, i) {
          html += '<tr><th scope="row">' + esc(data.x[i]) + "</th>";
          chosen.forEach(function (c) {
            var v = (data.w[c] || [])[i];
            html += isNum(v) ? '<td class="getal">' + fmt(v, d) + "</td>"
              : typeof v === "string" ? '<td class="getal geheim">.<sup aria-hidden="true">' + esc(v) + '</sup><span class="sr"> geheim: ' + esc(REDENEN[v] || "geheim") + "</span></td>"
              : '<td class="getal ontbreekt">niet geleverd</td>';
          });
          html += "</tr>";
        });
        table.innerHTML = html + "</tbody></table>";
      });
    }
    function add() {
      var name = input.value.trim().toLowerCase();
      var match = zoek.gemeenten.filter(function (g) { return g[1].toLowerCase() === name || g[0].toLowerCase() === name; })[0];
      if (!match) { message.textContent = "Geen gemeente gevonden met de naam ‘" + input.value + "’. Kies een naam uit de lijst."; return; }
      message.textContent = "";
      if (chosen.indexOf(match[0]) < 0) chosen.push(match[0]);
      input.value = "";
      update();
    }
    controls.querySelector("[data-toevoegen]").addEventListener("click", add);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); add(); } });
    select.addEventListener("change", function () { indicator = select.value; update(); });
    share.querySelector("[data-kopieer]").addEventListener("click", function () {
      var field = share.querySelector("input");
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).catch(function () {});
      message.textContent = "De link is gekopieerd.";
    });
    G.toolbar(figure, function () { return chosen.length ? chart : null; }, "vergelijking");
    update(true);
  };

  function start() { document.querySelectorAll(".vergelijk").forEach(G.vergelijk); }
  if (document.readyState === "complete") start(); else document.addEventListener("DOMContentLoaded", start);
})();
