/* Monitor Sociaal Domein: small progressive enhancements. Every page works without this file.
   - search from every page: suggestions from zoekindex.js; an exact name goes straight to its page;
   - zoeken.html?q=… filters the list of gemeenten and indicators;
   - the gemeente selector on the home page goes straight to the gemeente's page;
     gemeente/index.html?gemeente=GM0363 (the selector without JavaScript) forwards to that page;
   - tables with class "sorteerbaar" sort when a column header button is pressed;
   - a print button on the factsheet; a link to a #anchor inside <details> opens it. */
(function () {
  "use strict";
  var ROOT = document.body.getAttribute("data-root") || "";

  function index() { return window.GMSD_ZOEK || { gemeenten: [], indicatoren: [] }; }

  function exact(term) {
    var t = term.trim().toLowerCase(), found = null;
    index().gemeenten.forEach(function (g) { if (!found && (g[1].toLowerCase() === t || g[0].toLowerCase() === t)) found = ROOT + "gemeente/" + g[0] + ".html"; });
    index().indicatoren.forEach(function (i) { if (!found && (i[1].toLowerCase() === t || i[0] === t)) found = ROOT + "indicator/" + i[0] + ".html"; });
    return found;
  }

  function setUpSearch() {
    var form = document.querySelector("form.zoek"), list = document.getElementById("zoek-suggesties");
    if (!form || !list) return;
    var input = form.querySelector("input");
    var filled = false;
    function fill() {
      if (filled) return;
      filled = true;
      var fragment = document.createDocumentFragment();
      index().gemeenten.forEach(function (g) { var o = document.createElement("option"); o.value = g[1]; o.label = "gemeente"; fragment.appendChild(o); });
      index().indicatoren.forEach(function (i) { var o = document.createElement("option"); o.value = i[1]; o.label = "indicator (" + i[2] + ")"; fragment.appendChild(o); });
      list.appendChild(fragment);
    }
    input.addEventListener("focus", fill);
    input.addEventListener("input", fill);
    form.addEventListener("submit", function (event) {
      var target = exact(input.value);
      if (target) { event.preventDefault(); window.location.href = target; }
    });
  }

  function filterSearchPage() {
    var result = document.getElementById("zoek-resultaat");
    if (!result) return;
    var term = (new URLSearchParams(window.location.search).get("q") || "").trim().toLowerCase();
    if (!term) return;
    var input = document.getElementById("zoekterm");
    if (input) input.value = term;
    var shown = 0;
    document.querySelectorAll(".zoeklijst li").forEach(function (li) {
      var match = li.textContent.toLowerCase().indexOf(term) >= 0;
      li.hidden = !match;
      if (match) shown++;
    });
    result.textContent = shown ? shown + (shown === 1 ? " resultaat" : " resultaten") + " voor ‘" + term + "’."
                               : "Niets gevonden voor ‘" + term + "’. Probeer een deel van de naam.";
  }

  function goToGemeente(form) {
    var select = form.querySelector("select");
    if (!select || !/^[A-Za-z0-9_-]+$/.test(select.value)) return false;
    window.location.href = new URL(select.value + ".html", form.action).href;
    return true;
  }

  function forwardFromList() {
    var list = document.getElementById("gemeentelijst");
    if (!list) return;
    var code = new URLSearchParams(window.location.search).get("gemeente");
    if (!code) return;
    var link = list.querySelector('a[data-code="' + code.replace(/[^A-Za-z0-9_-]/g, "") + '"]');
    if (link) window.location.replace(link.href);
  }

  // "1.234,5" -> 1234.5; "." (geheim), "–" and "niet geleverd" -> NaN (sorted last).
  function number(text) {
    var match = text.replace(/\s/g, "").match(/^[▲▼]?([+-]?\d[\d.]*(,\d+)?)/);
    if (!match) return NaN;
    return parseFloat(match[1].replace(/\./g, "").replace(",", "."));
  }

  function sortTable(table, column, button) {
    var th = button.closest("th");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = !th.classList.contains("tekst");
    rows.sort(function (a, b) {
      var x = a.cells[column].textContent.trim(), y = b.cells[column].textContent.trim();
      if (numeric) {
        var nx = number(x), ny = number(y);
        if (isNaN(nx) && isNaN(ny)) return 0;
        if (isNaN(nx)) return 1;   // secret or missing always last
        if (isNaN(ny)) return -1;
        return ascending ? nx - ny : ny - nx;
      }
      return ascending ? x.localeCompare(y, "nl") : y.localeCompare(x, "nl");
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function start() {
    setUpSearch();
    filterSearchPage();
    var form = document.getElementById("kies-gemeente");
    if (form) form.addEventListener("submit", function (event) { if (goToGemeente(form)) event.preventDefault(); });
    forwardFromList();
    document.querySelectorAll("table.sorteerbaar").forEach(function (table) {
      table.querySelectorAll("thead th button.sorteer").forEach(function (button) {
        var column = Array.prototype.indexOf.call(button.closest("tr").children, button.closest("th"));
        button.addEventListener("click", function () { sortTable(table, column, button); });
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
    document.querySelectorAll(".zonder-js").forEach(function (node) { node.hidden = true; });
    if (window.location.hash) {
      var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      var details = target && target.closest("details");
      if (details) details.open = true;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
