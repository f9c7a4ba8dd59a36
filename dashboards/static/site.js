/* Monitor Sociaal Domein: small progressive enhancements. Every page works without this file.
   - the gemeente selector on the home page goes straight to the gemeente's page;
   - gemeente/index.html?gemeente=GM0363 (the selector without JavaScript) forwards to that page;
   - tables with class "sorteerbaar" sort when a column header button is pressed. */
(function () {
  "use strict";

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
    var match = text.replace(/\s/g, "").match(/[+-]?\d[\d.]*(,\d+)?/);
    if (!match) return NaN;
    return parseFloat(match[0].replace(/\./g, "").replace(",", "."));
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

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("kies-gemeente");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (goToGemeente(form)) event.preventDefault();
      });
    }
    forwardFromList();
    document.querySelectorAll("table.sorteerbaar").forEach(function (table) {
      table.querySelectorAll("thead th button.sorteer").forEach(function (button) {
        var column = Array.prototype.indexOf.call(button.closest("tr").children, button.closest("th"));
        button.addEventListener("click", function () { sortTable(table, column, button); });
      });
    });
    // A link to a wijk table (#…-wijken) opens it.
    if (window.location.hash) {
      var target = document.getElementById(window.location.hash.slice(1));
      if (target && target.tagName === "DETAILS") target.open = true;
    }
  });
})();
