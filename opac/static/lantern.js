/* Progressive enhancement only: every feature below works without this file.
   1. The filters: open beside the results on a wide screen (closed behind "Filters" on a phone);
      ticking a value, excluding one or choosing a sort applies it at once, empty fields stay out
      of the URL, and after the new page loads the focus is back on the control used and the
      new result count is read out. "More" values are fetched in place.
   2. Type to filter a facet shown in full.
   3. Search-box suggestions from /api/v1/suggest, as a native <datalist>.
   4. Copies as they are now: one request to /availability/now for the copies on the page whose
      libraries' systems can be asked; each status and its age replaced in place, and what
      changed said politely (#live-note). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var KEY = "lantern-focus";
  var filters = document.getElementById("filters");
  var form = document.getElementById("filter-form");
  var wide = window.matchMedia("(min-width: 48.0625rem)");

  function openAround(el) {
    if (filters && el && filters.contains(el)) { filters.open = true; }
  }
  if (filters) {
    filters.open = wide.matches;
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (link) { openAround(document.getElementById(link.getAttribute("href").slice(1))); }
    });
    if (location.hash) { openAround(document.getElementById(location.hash.slice(1))); }
  }

  function remember(control) {
    var mark = control.id === "sort" ? { id: "sort" } : { name: "filter", value: control.value };
    mark.path = location.pathname;
    try { sessionStorage.setItem(KEY, JSON.stringify(mark)); } catch (e) { /* private mode */ }
  }

  function submit(control) {
    remember(control);
    if (control.name === "exclude") {  // a button: its name and value go with the form
      var extra = document.createElement("input");
      extra.type = "hidden";
      extra.name = "exclude";
      extra.value = control.value;
      form.appendChild(extra);
    }
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  if (form) {
    form.addEventListener("submit", function () {
      // Empty fields (a blank year) never reach the URL; the search box's q= may be empty.
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.name && field.name !== "q" && field.value === "") { field.disabled = true; }
      });
      document.querySelectorAll("[form='filter-form']").forEach(function (field) {
        // the sort menu's first choice is the default: no need to say it in the URL
        if (field.value === "" || (field.options && field.selectedIndex === 0)) { field.disabled = true; }
      });
    });
    form.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { submit(event.target); }
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button.exclude");
      if (!button) { return; }
      event.preventDefault();
      submit(button);
    });
    var sort = document.getElementById("sort");
    if (sort) { sort.addEventListener("change", function () { submit(sort); }); }
    var explode = document.getElementById("explode");  // include narrower MeSH headings
    if (explode) { explode.addEventListener("change", function () { submit(explode); }); }
    window.addEventListener("pageshow", function () {  // back from the next page: usable again
      document.querySelectorAll("[disabled]").forEach(function (f) { f.disabled = false; });
    });
  }

  // After a filter or sort applied itself: focus where the reader was, and say the new count.
  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); sessionStorage.removeItem(KEY); }
  catch (e) { saved = null; }
  if (saved && saved.path === location.pathname) {
    var target = saved.id ? document.getElementById(saved.id) : null;
    if (!target && form) {
      form.querySelectorAll("input[name=filter]").forEach(function (box) {
        if (box.value === saved.value) { target = box; }
      });
    }
    if (!target && saved.value) {  // an excluded value leaves its list: its facet instead
      target = document.getElementById("facet-" + saved.value.split(":")[0]);
      if (target) { target.tabIndex = -1; }
    }
    if (target) {
      openAround(target);
      target.focus();
    }
    var status = document.querySelector("[role=status]");
    if (status) {
      var said = status.textContent;
      status.textContent = "";
      setTimeout(function () { status.textContent = said; }, 300);
    }
  }

  // "More" values: the same page with that facet in full, its fieldset swapped in.
  document.querySelectorAll(".facet a.more").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.DOMParser) { return; }
      event.preventDefault();
      var facet = link.closest("fieldset");
      fetch(link.href.split("#")[0])
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (text) {
          var page = new DOMParser().parseFromString(text, "text/html");
          var full = page.getElementById(facet.id);
          if (!full) { throw new Error("no facet"); }
          var shown = facet.querySelectorAll("li").length;
          facet.replaceWith(full);
          enableFinder(full.querySelector(".facet-filter"));
          var next = full.querySelectorAll("li input")[shown] || full.querySelector("input");
          if (next) { next.focus(); }
        })
        .catch(function () { location.href = link.href; });
    });
  });

  function enableFinder(box) {
    if (!box) { return; }
    var input = box.querySelector("input");
    var facet = document.getElementById(input.getAttribute("data-filters"));
    if (!facet) { return; }
    box.hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      facet.querySelectorAll(".facet-value").forEach(function (row) {
        var label = row.querySelector("label").textContent.toLowerCase();
        row.hidden = wanted !== "" && label.indexOf(wanted) === -1;
      });
    });
  }
  document.querySelectorAll(".facet-filter").forEach(enableFinder);

  var q = document.getElementById("q");
  if (!q || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "q-suggestions";
  q.parentNode.appendChild(list);
  q.setAttribute("list", list.id);
  var timer = null;
  var last = "";
  q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = q.value.trim();
      if (text.length < 2 || text === last) { return; }
      last = text;
      fetch(q.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) {
          list.textContent = "";
          body.suggestions.forEach(function (s) {
            var option = document.createElement("option");
            option.value = s.text;
            option.label = s.kind;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are a nicety; typing still works */ });
    }, 150);
  });

  function showLive() {
    var marked = document.querySelectorAll("[data-copy]");
    if (!marked.length || !window.fetch) { return; }
    var byKey = {};
    var ids = [];
    Array.prototype.forEach.call(marked, function (el) {
      var key = el.getAttribute("data-copy");
      (byKey[key] = byKey[key] || []).push(el);
      var doc = key.split("|")[0];
      if (ids.indexOf(doc) < 0) { ids.push(doc); }
    });
    var changed = 0;
    function apply(line) {  // one library's copies, as soon as its system has answered
      if (!line.trim()) { return; }
      var copies = JSON.parse(line).copies;
      Object.keys(copies).forEach(function (key) {
        var now = copies[key];
        (byKey[key] || []).forEach(function (el) {
          if (el.textContent !== now.text) { changed += 1; }
          el.textContent = now.text;
          el.className = "status-" + now.status;
          var age = el.parentNode.querySelector(".as-of");
          if (age) { age.textContent = now.age; }
        });
      });
      // A library (a record page's table) with no copy on the shelf now loses its badge,
      // and the record its "Available now" when no library has one.
      var shelves = document.querySelectorAll("table.holdings");
      Array.prototype.forEach.call(shelves, function (table) {
        var badge = table.querySelector("caption .badge.available");
        if (badge) { badge.hidden = !table.querySelector(".status-available"); }
      });
      var anywhere = document.getElementById("available-now");
      if (anywhere && shelves.length) {
        anywhere.hidden = !document.querySelector("table.holdings .status-available");
      }
    }
    function done() {
      var note = document.getElementById("live-note");
      if (note && changed) {
        note.textContent = changed + (changed === 1 ? " copy has" : " copies have") +
          " changed since the libraries' last exports.";
      }
    }
    var query = ids.map(function (id) { return "id=" + encodeURIComponent(id); }).join("&");
    fetch("/availability/now?" + query, { headers: { Accept: "application/x-ndjson" } })
      .then(function (response) {
        if (!response.ok) { return; }
        if (!(response.body && response.body.getReader && window.TextDecoder)) {
          return response.text().then(function (text) { text.split("\n").forEach(apply); done(); });
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { apply(buffer); done(); return; }
            buffer += decoder.decode(chunk.value, { stream: true });
            var lines = buffer.split("\n");
            buffer = lines.pop();
            lines.forEach(apply);
            return pump();
          });
        }
        return pump();
      })
      .catch(function () { /* the indexed statuses stay, with their age */ });
  }
  showLive();
})();
