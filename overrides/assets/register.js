// The public register's table (register/, pipeline/site/templates/register.md): sort by any column
// and filter the rows. A progressive enhancement: without this script the whole table is shown,
// every row in the order it was built. No dependency, no inline script (the site's CSP).
(function () {
  "use strict";

  // A cell's own text, without a column label span (shown in the phone layout of tables that have one).
  function value(cell) {
    var label = cell.querySelector(".portal-register__label");
    return cell.textContent.substring(label ? label.textContent.length : 0).trim();
  }

  // What a column sorts by: the ISO time of a date cell, else its text.
  function key(cell) {
    var time = cell.querySelector("time[datetime]");
    return time ? time.getAttribute("datetime") : value(cell);
  }

  // The filter goes in the placeholder the page has above the table (its height is reserved, so
  // nothing moves when it appears: no layout shift), or in a new paragraph where there is none.
  function addFilter(table, rows, texts) {
    var wrapper = table.parentNode;
    var box = wrapper.previousElementSibling;
    if (!box || !box.classList.contains("portal-register__filter")) {
      box = document.createElement("p");
      box.className = "portal-register__filter";
      wrapper.parentNode.insertBefore(box, wrapper);
    }
    box.textContent = "";
    var label = document.createElement("label");
    label.textContent = "Saring baris ";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "judul, nama, kategori…";
    label.appendChild(input);
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.textContent = rows.length + " baris";
    box.appendChild(label);
    box.appendChild(status);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, index) {
        var hit = words.every(function (word) { return texts[index].indexOf(word) >= 0; });
        row.hidden = !hit;
        if (hit) shown += 1;
      });
      status.textContent = shown + " dari " + rows.length + " baris";
    });
  }

  function addSort(table, rows) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    heads.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "portal-register__sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var sorted = rows.slice().sort(function (a, b) {
          var order = key(a.cells[index]).localeCompare(key(b.cells[index]), "id", { numeric: true });
          return ascending ? order : -order;
        });
        sorted.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function enhance(table) {
    if (table.classList.contains("portal-register--ready") || !table.tHead || !table.tBodies.length) return;
    table.classList.add("portal-register--ready");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (row) {
      return Array.prototype.map.call(row.cells, value).join(" ").toLowerCase();
    });
    addFilter(table, rows, texts);
    addSort(table, rows);
  }

  // A table wider than the screen scrolls inside its wrapper: keyboard users reach it by Tab
  // (WCAG 2.1.1; the sanitizer allows no tabindex or role on a div, so they are set here).
  function focusable(wrapper) {
    var table = wrapper.querySelector("table");
    if (wrapper.scrollWidth <= wrapper.clientWidth || !table) return;
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", table.caption ? table.caption.textContent : "Tabel");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.portal-register__table"), enhance);
    Array.prototype.forEach.call(document.querySelectorAll(".portal-register__scroll"), focusable);
  }

  init();
  // Material's instant navigation swaps pages without loading scripts again.
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
})();
