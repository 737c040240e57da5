// churnbook preview: live updates (server-sent events), collapsible sources, table paging and
// sorting, parameter controls, print view. Served by the preview server as its own asset; it
// talks to that server only (GET requests on the same origin).
(function () {
  "use strict";
  var collapsed = new Set();
  var source = null;
  var query = location.search;
  var pageSize = 10;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function cellValue(td) {
    var t = (td.textContent || "").trim();
    var n = Number(t.replace(/[,\s%¥$€£]|[A-Z]{3}/g, "").replace(/^\u2212/, "-"));
    return t !== "" && isFinite(n) ? n : t;
  }

  function enhanceTable(table) {
    if (table.dataset.nbEnhanced) return;
    table.dataset.nbEnhanced = "1";
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var rows = Array.prototype.slice.call(tbody.rows);
    if (rows.length && rows[0].querySelector("td.empty")) return;
    var page = 0;
    var pager = null;
    function show() {
      var pages = Math.max(1, Math.ceil(rows.length / pageSize));
      page = Math.min(page, pages - 1);
      rows.forEach(function (r, i) { r.hidden = rows.length > pageSize && (i < page * pageSize || i >= (page + 1) * pageSize); });
      if (pager) pager.querySelector(".nb-page").textContent = "rows " + (page * pageSize + 1) + "–" + Math.min(rows.length, (page + 1) * pageSize) + " of " + rows.length;
    }
    if (rows.length > pageSize) {
      pager = document.createElement("div");
      pager.className = "nb-pager";
      pager.innerHTML = '<button type="button" data-step="-1">‹ prev</button><span class="nb-page"></span><button type="button" data-step="1">next ›</button>';
      pager.addEventListener("click", function (e) {
        var step = e.target && e.target.getAttribute("data-step");
        if (!step) return;
        page = Math.max(0, Math.min(Math.ceil(rows.length / pageSize) - 1, page + Number(step)));
        show();
      });
      table.parentNode.insertBefore(pager, table.nextSibling);
    }
    $all("thead th", table).forEach(function (th, col) {
      th.classList.add("nb-sortable");
      th.title = "sort";
      th.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        $all("thead th", table).forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
          if (typeof x === "number" && typeof y === "number") return dir * (x - y);
          return dir * String(x).localeCompare(String(y));
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
        page = 0;
        show();
      });
    });
    show();
  }

  function enhance(root) {
    $all(".nb-output table.data-table", root).forEach(enhanceTable);
    $all(".nb-cell", root).forEach(function (cell) {
      if (collapsed.has(cell.id)) cell.classList.add("collapsed");
    });
  }

  function anchor() {
    var cells = $all(".nb-cell");
    for (var i = 0; i < cells.length; i++) {
      var top = cells[i].getBoundingClientRect().top;
      if (top >= 0 || cells[i].getBoundingClientRect().bottom > 60) return { id: cells[i].id, top: top };
    }
    return null;
  }

  function apply(model) {
    var keep = anchor();
    var y = window.scrollY;
    ["nb-status", "nb-banner", "nb-warnings", "nb-outline", "nb-coverage", "nb-title"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el && model.parts[id] !== undefined && el.innerHTML !== model.parts[id]) el.innerHTML = model.parts[id];
    });
    var list = document.getElementById("nb-cells");
    var existing = {};
    $all(":scope > .nb-cell", list).forEach(function (el) { existing[el.id] = el; });
    var previous = null;
    model.cells.forEach(function (c) {
      var el = existing[c.dom];
      delete existing[c.dom];
      if (!el || el.getAttribute("data-hash") !== c.hash) {
        var t = document.createElement("template");
        t.innerHTML = c.html.trim();
        var fresh = t.content.firstElementChild;
        if (el) list.replaceChild(fresh, el);
        else list.insertBefore(fresh, previous ? previous.nextSibling : list.firstChild);
        el = fresh;
        enhance(el.parentNode === list ? el : list);
        enhance(el);
      } else if (previous ? previous.nextSibling !== el : list.firstElementChild !== el) {
        list.insertBefore(el, previous ? previous.nextSibling : list.firstChild);
      }
      previous = el;
    });
    Object.keys(existing).forEach(function (id) { existing[id].remove(); });
    document.body.setAttribute("data-version", String(model.version));
    document.body.setAttribute("data-run", String(model.run));
    // Keep the reader where they were: the same cell at the same height.
    if (keep) {
      var el = document.getElementById(keep.id);
      if (el) window.scrollBy(0, el.getBoundingClientRect().top - keep.top);
    } else window.scrollTo(0, y);
    if (document.body.classList.contains("nb-printing")) loadPrint();
  }

  function refresh() {
    var status = document.getElementById("nb-status");
    if (status) status.classList.add("busy");
    return fetch("/model.json" + query, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(apply)
      .catch(function () {})
      .then(function () { if (status) status.classList.remove("busy"); });
  }

  function connect() {
    if (source) source.close();
    source = new EventSource("/events" + query);
    source.addEventListener("update", function (e) {
      var v = JSON.parse(e.data).version;
      if (String(v) !== document.body.getAttribute("data-version")) refresh();
    });
    source.addEventListener("running", function () {
      var status = document.getElementById("nb-status");
      if (status) status.classList.add("busy");
    });
  }

  function loadPrint() {
    var box = document.getElementById("nb-print");
    box.innerHTML = '<p class="nb-pages">printing…</p>';
    fetch("/print.json" + query, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.error) { box.innerHTML = '<div class="nb-banner"><pre></pre></div>'; box.querySelector("pre").textContent = p.error; return; }
        box.innerHTML = '<p class="nb-pages"></p>';
        box.querySelector(".nb-pages").textContent = p.pages + (p.pages === 1 ? " page" : " pages") + " · as printed in report.pdf";
        p.images.forEach(function (src, i) {
          var img = document.createElement("img");
          img.src = src;
          img.alt = "page " + (i + 1);
          img.className = "nb-page-image";
          box.appendChild(img);
        });
        box.setAttribute("data-pages", String(p.pages));
      });
  }

  function setQuery(q) {
    query = q;
    history.replaceState(null, "", location.pathname + q);
    var exp = document.getElementById("nb-export");
    if (exp) exp.setAttribute("href", "/export.pdf" + q);
    connect();
    refresh();
  }

  document.addEventListener("click", function (e) {
    var head = e.target.closest && e.target.closest(".nb-head");
    if (head) {
      var cell = head.parentNode;
      cell.classList.toggle("collapsed");
      if (cell.classList.contains("collapsed")) collapsed.add(cell.id);
      else collapsed.delete(cell.id);
      head.setAttribute("aria-expanded", String(!cell.classList.contains("collapsed")));
    }
  });

  var form = document.getElementById("nb-params");
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var parts = [];
      $all("input", form).forEach(function (input) {
        var v = input.type === "checkbox" ? (input.checked ? "true" : "false") : input.value.trim();
        if (v !== "" && v !== input.getAttribute("data-default")) parts.push(encodeURIComponent(input.name) + "=" + encodeURIComponent(v));
      });
      setQuery(parts.length ? "?" + parts.join("&") : "");
    });
  }

  var toggle = document.getElementById("nb-print-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var on = !document.body.classList.contains("nb-printing");
      document.body.classList.toggle("nb-printing", on);
      toggle.setAttribute("aria-pressed", String(on));
      if (on) loadPrint();
    });
  }

  enhance(document);
  connect();
})();
