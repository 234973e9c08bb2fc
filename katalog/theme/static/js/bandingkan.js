/* Katalog Inovasi — the comparison page (bandingkan/).
 *
 * Reads the selection from the URL (?pilih=simpel,istura, or the ?pilih=a&pilih=b a plain
 * form submission produces), loads the precomputed data/bandingkan.json and renders an
 * accessible table with the innovations side by side. Labels come from the JSON; this file
 * only arranges them. No inline script: the page loads this file with <script src defer>.
 */
(function () {
  "use strict";

  var result = document.getElementById("hasil");
  var form = document.querySelector("form.compare-form");
  if (!result || !form) { return; }

  function selectedSlugs() {
    var slugs = [];
    new URLSearchParams(window.location.search).getAll("pilih").forEach(function (value) {
      value.split(",").forEach(function (slug) {
        slug = slug.trim();
        if (slug && slugs.indexOf(slug) === -1) { slugs.push(slug); }
      });
    });
    return slugs;
  }

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function message(text) {
    result.replaceChildren(el("p", text));
    result.firstChild.className = "notice";
  }

  function cell(value) {
    var td = el("td");
    if (Array.isArray(value)) {
      var ul = el("ul");
      value.forEach(function (item) { ul.appendChild(el("li", item)); });
      td.appendChild(ul);
    } else {
      td.textContent = value;
    }
    return td;
  }

  function render(data, chosen, root) {
    var table = el("table");
    table.className = "compare";
    var caption = "Perbandingan " + chosen.length + " inovasi";
    table.appendChild(el("caption", caption));
    var head = el("thead");
    var row = el("tr");
    var corner = el("td");
    row.appendChild(corner);
    chosen.forEach(function (item) {
      var th = el("th");
      th.scope = "col";
      var a = el("a", item.title);
      a.href = root + item.url;
      th.appendChild(a);
      row.appendChild(th);
    });
    head.appendChild(row);
    table.appendChild(head);
    var body = el("tbody");
    data.fields.forEach(function (field) {
      var tr = el("tr");
      var th = el("th", field.label);
      th.scope = "row";
      tr.appendChild(th);
      chosen.forEach(function (item) { tr.appendChild(cell(item.values[field.key])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    // Scrolls sideways on a phone: a named region the keyboard can reach and scroll, as the
    // build's own wide tables (katalog/site/tables.py).
    var wrap = el("div");
    wrap.className = "table-scroll";
    wrap.setAttribute("role", "region");
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("aria-label", caption);
    wrap.appendChild(table);
    result.replaceChildren(wrap);
  }

  function show(data) {
    var slugs = selectedSlugs();
    var bySlug = {};
    data.innovations.forEach(function (item) { bySlug[item.slug] = item; });
    var chosen = slugs.filter(function (s) { return bySlug[s]; }).map(function (s) { return bySlug[s]; });
    Array.prototype.forEach.call(form.querySelectorAll("input[name=pilih]"), function (box) {
      box.checked = chosen.some(function (item) { return item.slug === box.value; });
    });
    if (chosen.length < 2) {
      message("Pilih paling sedikit dua inovasi untuk dibandingkan (paling banyak " + data.max + ").");
      return;
    }
    var extra = chosen.length > data.max;
    chosen = chosen.slice(0, data.max);
    render(data, chosen, result.getAttribute("data-root"));
    if (extra) {
      var note = el("p", "Paling banyak " + data.max + " inovasi; hanya " + data.max + " pilihan pertama yang ditampilkan.");
      note.className = "notice";
      result.insertBefore(note, result.firstChild);
    }
  }

  // Share-friendly URLs: one comma-separated ?pilih= instead of repeated parameters.
  form.addEventListener("submit", function (event) {
    var slugs = Array.prototype.filter.call(form.querySelectorAll("input[name=pilih]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
    event.preventDefault();
    window.location.search = slugs.length ? "?pilih=" + slugs.join(",") : "";
  });

  var source = new URL(result.getAttribute("data-source"), document.baseURI);
  fetch(source.href)
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(show)
    .catch(function () {
      message("Data perbandingan tidak dapat dimuat. Buka halaman setiap inovasi dari daftar di bawah.");
    });
})();
