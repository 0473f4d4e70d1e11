/* Progressive enhancement only: every feature below works without this file.
   1. Type to filter a long facet's values (the "more" list opens while filtering).
   2. Search-box suggestions from /api/v1/suggest, as a native <datalist>. */
(function () {
  "use strict";

  document.querySelectorAll(".facet-filter").forEach(function (box) {
    var input = box.querySelector("input");
    var facet = document.getElementById(input.getAttribute("data-filters"));
    if (!facet) { return; }
    box.hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      var more = facet.querySelector("details");
      if (more && wanted) { more.open = true; }
      facet.querySelectorAll(".facet-value").forEach(function (row) {
        var label = row.querySelector("label").textContent.toLowerCase();
        row.hidden = wanted !== "" && label.indexOf(wanted) === -1;
      });
    });
  });

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
})();
