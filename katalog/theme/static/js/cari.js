/* Katalog Inovasi — the static search page (cari/), with no server.
 *
 * A faithful port of katalog/analysis.py (tokenise, lower-case, hyphen variants, stop words,
 * the Indonesian stemmer) and of katalog/ranking.py (query parts, typo matching, BM25F with
 * Whoosh's idf, coordination, ties by slug). Word lists, synonyms and ranking constants come
 * from the exported manifest (cari/indeks/manifest.json), so they are never duplicated here;
 * tests/test_client_search.py checks this analyzer against tests/fixtures/analysis/golden.tsv
 * and tests/test_search_parity.py checks the ranking against `katalog search`.
 *
 * A query downloads only the postings shards of its terms, the typo word lists of each long
 * word's first letter and neighbouring lengths, the facet file of each active filter and the documents it shows.
 * State lives in the URL (?q=...&unit=...): searches can be shared, back/forward work.
 */
(function () {
  "use strict";

  // --- Analysis: katalog/analysis.py, step for step ------------------------------------
  var TOKEN = /[\p{L}\p{N}_]+(?:[-\u2010\u2011][\p{L}\p{N}_]+)*/gu;
  var WORD = /[\p{L}\p{N}_]+/gu;
  var HYPHEN = /[-\u2010\u2011]/;
  var HYPHENS = /[-\u2010\u2011]/g;
  var DIGIT = /[\p{Nd}\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]/u;
  var VOWELS = { a: true, e: true, i: true, o: true, u: true };
  var PARTICLES = ["kah", "lah", "tah", "pun"];
  var FIRST_ORDER = [
    ["meng", 1], ["meny", 1], ["men", 1], ["mem", 1], ["me", 1],
    ["peng", 3], ["peny", 3], ["pen", 3], ["pem", 3], ["di", 1], ["ter", 1], ["ke", 3]
  ];
  var NASAL_RESTORE = {
    meng: ["", "k"], peng: ["", "k"], meny: ["s"], peny: ["s"],
    men: ["t", "n"], pen: ["t", "n"], mem: ["p", "m"], pem: ["p", "m"]
  };

  function setOf(list) {
    var set = Object.create(null);
    list.forEach(function (item) { set[item] = true; });
    return set;
  }

  function unique(list) {
    var seen = Object.create(null);
    return list.filter(function (item) {
      if (seen[item]) { return false; }
      seen[item] = true;
      return true;
    });
  }

  function isVowel(ch) { return ch !== undefined && VOWELS[ch] === true; }

  function measure(word) {
    var n = 0;
    for (var i = 0; i < word.length; i++) { if (isVowel(word[i])) { n++; } }
    return n;
  }

  function Analyzer(settings) {
    this.stop = setOf(settings.stop_words);
    this.protectedWords = setOf(settings.protected);
    this.bound = setOf(settings.bound_prefixes);
    this.cache = Object.create(null);
  }

  Analyzer.prototype.isProtected = function (word) { return this.protectedWords[word] === true; };

  Analyzer.prototype.firstOrder = function (word) {
    for (var i = 0; i < FIRST_ORDER.length; i++) {
      var prefix = FIRST_ORDER[i][0], klass = FIRST_ORDER[i][1];
      if (word.indexOf(prefix) !== 0 || word.length <= prefix.length + 1) { continue; }
      var rest = word.slice(prefix.length);
      if (NASAL_RESTORE[prefix] && isVowel(rest[0])) {
        return NASAL_RESTORE[prefix].map(function (restored) { return [restored + rest, klass]; });
      }
      if (prefix === "meny" || prefix === "peny") { continue; }
      return [[rest, klass]];
    }
    return [];
  };

  Analyzer.prototype.secondOrder = function (word) {
    if (word.indexOf("belajar") === 0) { return [[word.slice(3), 4]]; }
    var pairs = [["ber", 4], ["per", 2]];
    for (var i = 0; i < pairs.length; i++) {
      if (word.indexOf(pairs[i][0]) === 0 && word.length > 4) {
        var rest = word.slice(3);
        return isVowel(rest[0]) ? [[rest, pairs[i][1]], ["r" + rest, pairs[i][1]]] : [[rest, pairs[i][1]]];
      }
    }
    if (word.indexOf("be") === 0 && word.length > 5 && !isVowel(word[2]) && word.slice(3, 5) === "er") {
      return [[word.slice(2), 4]];
    }
    if (word.indexOf("pe") === 0 && word.length > 4) { return [[word.slice(2), 2]]; }
    return [[word, 0]];
  };

  Analyzer.prototype.stripSuffix = function (word, klass) {
    if (word.slice(-3) === "kan" && klass !== 2 && klass !== 3) { return word.slice(0, -3); }
    if (word.slice(-2) === "an") { return klass === 1 ? word : word.slice(0, -2); }
    var before = word.slice(-2, -1);
    if (word.slice(-1) === "i" && klass <= 2 && before !== "s" && before !== "a") { return word.slice(0, -1); }
    return word;
  };

  Analyzer.prototype.afterPrefixes = function (word, klass) {
    if (this.isProtected(word) || measure(word) <= 2) { return [word]; }
    var withoutSuffix = this.stripSuffix(word, klass);
    if (withoutSuffix === word || this.isProtected(withoutSuffix) || measure(withoutSuffix) <= 2) {
      return [withoutSuffix];
    }
    return this.secondOrder(withoutSuffix).map(function (pair) { return pair[0]; });
  };

  Analyzer.prototype.withoutFirstOrder = function (word) {
    var self = this;
    return this.secondOrder(word).map(function (pair) {
      var done = self.isProtected(pair[0]) || measure(pair[0]) <= 2;
      return done ? pair[0] : self.stripSuffix(pair[0], pair[1]);
    });
  };

  Analyzer.prototype.stripInflection = function (word) {
    for (var i = 0; i < PARTICLES.length; i++) {
      var ending = PARTICLES[i], rest = word.slice(0, -ending.length);
      if (word.slice(-ending.length) === ending && measure(rest) > 2 && isVowel(rest[rest.length - 1])) {
        word = rest;
        break;
      }
    }
    if (word.slice(-3) === "nya" && measure(word.slice(0, -3)) >= 1) { return word.slice(0, -3); }
    var endings = ["ku", "mu"];
    for (var j = 0; j < endings.length; j++) {
      if (word.slice(-2) === endings[j] && measure(word.slice(0, -2)) > 2) { return word.slice(0, -2); }
    }
    return word;
  };

  Analyzer.prototype.stemUncached = function (word) {
    if (this.isProtected(word) || word.length <= 4 || DIGIT.test(word) || HYPHEN.test(word)) { return [word]; }
    if (measure(word) <= 2) { return [word]; }
    if (word.indexOf("se") === 0 && word.slice(-3) === "nya" && measure(word.slice(2, -3)) >= 2) {
      return [word.slice(2, -3)];
    }
    word = this.stripInflection(word);
    if (this.isProtected(word) || measure(word) <= 2) { return [word]; }
    var firsts = this.firstOrder(word);
    if (!firsts.length) { return unique(this.withoutFirstOrder(word)); }
    var self = this, stems = [];
    firsts.forEach(function (pair) { stems = stems.concat(self.afterPrefixes(pair[0], pair[1])); });
    return unique(stems);
  };

  Analyzer.prototype.stem = function (word) {
    if (!(word in this.cache)) { this.cache[word] = this.stemUncached(word); }
    return this.cache[word];
  };

  /* HyphenFilter then StopFilter(minsize=2) for one lower-cased token. */
  Analyzer.prototype.variants = function (text) {
    var texts = [text];
    if (HYPHEN.test(text)) {
      var parts = text.split(HYPHENS);
      var joined = parts[0].length === 1 || this.bound[parts[0]] === true;
      if (joined) { texts.push(parts.join("")); }
      parts.forEach(function (part, index) {
        if (part && !(joined && index === 0)) { texts.push(part); }
      });
      texts = unique(texts);
    }
    var stop = this.stop;
    return texts.filter(function (t) { return t.length >= 2 && stop[t] !== true; });
  };

  /* Token groups by position: [{start, end, texts}] (texts stemmed unless stemming is false). */
  Analyzer.prototype.groups = function (text, stemming) {
    var result = [], match, self = this;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      var texts = this.variants(match[0].toLowerCase());
      if (stemming !== false) {
        var stems = [];
        texts.forEach(function (t) { stems = stems.concat(self.stem(t)); });
        texts = stems;
      }
      texts = unique(texts);
      if (texts.length) { result.push({ start: match.index, end: match.index + match[0].length, texts: texts }); }
    }
    return result;
  };

  /* katalog.analysis.analyse: every token text in order. */
  Analyzer.prototype.analyse = function (text) {
    var out = [];
    this.groups(text, true).forEach(function (g) { out = out.concat(g.texts); });
    return out;
  };

  Analyzer.prototype.words = function (text) {
    var stop = this.stop;
    return (text.toLowerCase().match(WORD) || []).filter(function (w) { return stop[w] !== true; });
  };

  function contains(words, phrase) {
    if (!phrase.length) { return false; }
    for (var i = 0; i + phrase.length <= words.length; i++) {
      var all = true;
      for (var j = 0; j < phrase.length; j++) { if (words[i + j] !== phrase[j]) { all = false; break; } }
      if (all) { return true; }
    }
    return false;
  }

  /* katalog.analysis.expand_query: an acronym's expansions, or the acronym of an expansion. */
  Analyzer.prototype.expandQuery = function (query, synonyms) {
    var self = this, words = this.words(query), extra = [];
    synonyms.forEach(function (pair) {
      if (contains(words, self.words(pair[0]))) { extra = extra.concat(pair[1]); }
      if (pair[1].some(function (e) { return contains(words, self.words(e)); })) { extra.push(pair[0]); }
    });
    var lower = query.toLowerCase();
    return unique(extra.filter(function (e) { return e !== lower; }));
  };

  // --- Timing: where a query's time goes (bench/run.py reads it) ------------------------
  /* A query adds up its milliseconds of fetch (waiting for the network), decode (parsing what
   * arrived), score (analysis, typo expansion, ranking) and render, and records them as User
   * Timing measures ("cari:fetch", ... and "cari:total"; detail: the query) once it is shown.
   * Cheap enough for production: a few performance.now() calls per query, and each query
   * clears the previous one's measures, so the timeline never grows. */
  var PHASES = ["fetch", "decode", "score", "render"];
  var clock = window.performance && typeof performance.now === "function" ? performance : Date;

  function Timing(query) {
    this.query = query;
    this.start = clock.now();
    this.ms = { fetch: 0, decode: 0, score: 0, render: 0 };
  }

  /* Add the time since `since` to `phase`; the current time, to chain phases. */
  Timing.prototype.add = function (phase, since) {
    var now = clock.now();
    this.ms[phase] += now - since;
    return now;
  };

  Timing.prototype.record = function () {
    if (!window.performance || typeof performance.measure !== "function") { return; }
    var self = this, detail = { query: this.query };
    try {
      PHASES.concat(["total"]).forEach(function (phase) { performance.clearMeasures("cari:" + phase); });
      PHASES.forEach(function (phase) {
        performance.measure("cari:" + phase, { start: self.start, duration: self.ms[phase], detail: detail });
      });
      performance.measure("cari:total", { start: this.start, end: clock.now(), detail: detail });
    } catch (ignored) { /* an older browser without User Timing 3: nothing to record */ }
  };

  /* A query whose time is not recorded (KatalogCari.search, for tests). */
  var UNTIMED = { add: function () { return clock.now(); }, record: function () {} };

  // --- Ranking: katalog/ranking.py ------------------------------------------------------
  function Engine(manifest, base) {
    this.m = manifest;
    this.base = base;
    this.analyzer = new Analyzer(manifest.analysis);
    this.terms = Object.create(null);
    this.raw = Object.create(null);
    this.decoded = Object.create(null);
  }

  /* The files at `paths`, decoded: each fetched and parsed once per page. The wait for the
   * network counts as `timing`'s fetch, the parsing as its decode. */
  Engine.prototype.load = function (paths, timing) {
    var self = this, started = clock.now();
    return Promise.all(paths.map(function (path) {
      if (!self.raw[path]) {
        self.raw[path] = fetch(self.base + path + "?v=" + self.m.build).then(function (response) {
          if (!response.ok) { throw new Error(path + ": " + response.status); }
          return response.text();
        });
      }
      return self.raw[path];
    })).then(function (texts) {
      var decoding = timing.add("fetch", started);
      var values = paths.map(function (path, i) {
        if (!(path in self.decoded)) { self.decoded[path] = JSON.parse(texts[i]); }
        return self.decoded[path];
      });
      timing.add("decode", decoding);
      return values;
    });
  };

  Engine.prototype.fuzzyWords = function (text) {
    var min = this.m.ranking.fuzzy_min_length, words = [];
    this.analyzer.groups(text, false).forEach(function (g) { words = words.concat(g.texts); });
    return unique(words).filter(function (w) { return w.length >= min && w.indexOf("-") === -1; }).sort();
  };

  Engine.prototype.plan = function (text) {
    var r = this.m.ranking, a = this.analyzer, parts = [];
    var phrasings = [[text, 1.0]].concat(a.expandQuery(text, this.m.synonyms).map(function (e) {
      return [e, r.synonym_boost];
    }));
    var fields = this.m.fields;
    phrasings.forEach(function (p) {
      var words = a.groups(p[0], true).map(function (g) { return g.texts; });
      parts.push({ boost: p[1], words: words, fields: fields, fuzzy: false });
    });
    var fuzzy = this.fuzzyWords(text).map(function (w) { return [w]; });
    parts.push({ boost: r.fuzzy_boost, words: fuzzy, fields: [r.fuzzy_field], fuzzy: true });
    return parts.filter(function (part) { return part.words.length > 0; });
  };

  function withinOneEdit(word, other) {
    if (word === other) { return true; }
    if (Math.abs(word.length - other.length) > 1) { return false; }
    var short = word.length <= other.length ? word : other;
    var long = word.length <= other.length ? other : word;
    var i = 0;
    while (i < short.length && short[i] === long[i]) { i++; }
    if (short.length === long.length) { return short.slice(i + 1) === long.slice(i + 1); }
    return short.slice(i) === long.slice(i + 1);
  }

  /* Expand the typo part's words to lexicon words one edit away (fetching first-letter lists). */
  Engine.prototype.expandFuzzy = function (parts, timing) {
    var self = this;
    return Promise.all(parts.map(function (part) {
      if (!part.fuzzy) { return part; }
      return Promise.all(part.words.map(function (word) {
        var w = word[0], files = [w.length - 1, w.length, w.length + 1].map(function (n) {
          return self.m.kata[w[0] + ":" + n];
        }).filter(Boolean);
        return self.load(files, timing).then(function (lists) {
          var started = clock.now(), lexicon = [].concat.apply([], lists);
          var near = lexicon.filter(function (other) { return withinOneEdit(w, other); }).sort();
          timing.add("score", started);
          return near;
        });
      })).then(function (expanded) {
        return { boost: part.boost, words: part.words, terms: expanded, fields: part.fields, fuzzy: true };
      });
    })).then(function (expandedParts) {
      return expandedParts.map(function (part) {
        return part.fuzzy ? part : { boost: part.boost, words: part.words, terms: part.words, fields: part.fields };
      });
    });
  };

  Engine.prototype.shardOf = function (term) {
    var shards = this.m.shards, lo = 0, hi = shards.length - 1;
    if (!shards.length || term < shards[0]) { return -1; }
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (shards[mid] <= term) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  };

  Engine.prototype.loadTerms = function (parts, timing) {
    var self = this, wanted = Object.create(null);
    parts.forEach(function (part) {
      part.terms.forEach(function (alternatives) {
        alternatives.forEach(function (term) {
          var shard = self.shardOf(term);
          if (shard >= 0) { wanted[shard] = true; }
        });
      });
    });
    var paths = Object.keys(wanted).map(function (shard) { return "t/" + shard + ".json"; });
    return this.load(paths, timing).then(function (shards) {
      var started = clock.now();
      shards.forEach(function (terms) {
        Object.keys(terms).forEach(function (t) { self.terms[t] = terms[t]; });
      });
      timing.add("decode", started);
    });
  };

  Engine.prototype.postings = function (field, term) {
    var entry = this.terms[term], flat = entry && entry[field];
    if (!flat) { return []; }
    var out = [], doc = 0;
    for (var i = 0; i < flat.length; i += 3) {
      doc += flat[i];
      out.push([doc, flat[i + 1], flat[i + 2]]);
    }
    return out;
  };

  Engine.prototype.bm25 = function (idf, tf, length, average) {
    var K1 = this.m.ranking.k1, B = this.m.ranking.b;
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)));
  };

  Engine.prototype.wordScores = function (part, terms) {
    var scores = new Map(), self = this;
    part.fields.forEach(function (field) {
      var boost = self.m.boosts[field] || 1.0, average = self.m.average_lengths[field];
      terms.forEach(function (term) {
        var postings = self.postings(field, term);
        var idf = Math.log(self.m.doc_count / (postings.length + 1)) + 1;
        postings.forEach(function (p) {
          var value = part.boost * self.bm25(idf, p[1] * boost, p[2], average);
          scores.set(p[0], (scores.get(p[0]) || 0.0) + value);
        });
      });
    });
    return scores;
  };

  Engine.prototype.score = function (parts) {
    var totals = new Map(), self = this, C = this.m.ranking.coordination;
    parts.forEach(function (part) {
      var sums = new Map(), matched = new Map();
      part.terms.forEach(function (terms) {
        self.wordScores(part, terms).forEach(function (value, doc) {
          sums.set(doc, (sums.get(doc) || 0.0) + value);
          matched.set(doc, (matched.get(doc) || 0) + 1);
        });
      });
      sums.forEach(function (value, doc) {
        var coord = (1 - C) + C * matched.get(doc) / part.words.length;
        totals.set(doc, (totals.get(doc) || 0.0) + coord * value);
      });
    });
    return totals;
  };

  /* Documents allowed by the facet filters, or null when none is selected. */
  Engine.prototype.allowed = function (filters, timing) {
    var self = this, keys = Object.keys(filters).filter(function (k) { return filters[k]; });
    if (!keys.length) { return Promise.resolve(null); }
    return Promise.all(keys.map(function (key) {
      var file = self.m.facets.files[key];
      if (!file) { return new Set(); }
      return self.load([file], timing).then(function (loaded) {
        var members = loaded[0], set = new Set(), doc = 0;
        (members[filters[key]] || []).forEach(function (gap) { doc += gap; set.add(doc); });
        return set;
      });
    })).then(function (sets) {
      return sets.reduce(function (a, b) { return new Set(Array.from(a).filter(function (d) { return b.has(d); })); });
    });
  };

  /* Ranked [{doc, score}] for a query (documents are numbered in slug order: ties by slug). */
  Engine.prototype.search = function (text, filters, timing) {
    timing = timing || UNTIMED;
    var self = this, started = clock.now(), parts = this.plan(text), expanded;
    timing.add("score", started);
    return this.expandFuzzy(parts, timing).then(function (result) {
      expanded = result;
      return Promise.all([self.loadTerms(expanded, timing), self.allowed(filters || {}, timing)]);
    }).then(function (loaded) {
      var allowed = loaded[1], ranked = [], scoring = clock.now();
      self.score(expanded).forEach(function (value, doc) {
        if (!allowed || allowed.has(doc)) { ranked.push({ doc: doc, score: value }); }
      });
      ranked.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      var highlight = Object.create(null);
      expanded.forEach(function (part) {
        part.terms.forEach(function (terms) { terms.forEach(function (t) { highlight[t] = true; }); });
      });
      timing.add("score", scoring);
      return { hits: ranked, highlight: highlight };
    });
  };

  Engine.prototype.documents = function (docs, timing) {
    var per = this.m.docs.per_file;
    var paths = docs.map(function (doc) { return "d/" + Math.floor(doc / per) + ".json"; });
    return this.load(paths, timing || UNTIMED).then(function (lists) {
      return lists.map(function (list, i) { return list[docs[i] % per]; });
    });
  };

  // --- The page ---------------------------------------------------------------------------
  var form = document.getElementById("cari-form");
  var status = document.getElementById("cari-status");
  var list = document.getElementById("cari-hasil");
  if (!form || !status || !list) { return; }
  var FACETS = ["unit", "bidang", "jenis", "tahun", "instansi"];
  var SHOWN = 20;
  var manifestUrl = form.getAttribute("data-manifest");
  var root = form.getAttribute("data-root") || "../";
  var base = manifestUrl.slice(0, manifestUrl.lastIndexOf("/") + 1);
  var sequence = 0;
  var current = null; // urlOf the state last run: typing that changes nothing runs nothing

  var ready = fetch(manifestUrl).then(function (response) {
    if (!response.ok) { throw new Error("manifest: " + response.status); }
    return response.json();
  }).then(function (manifest) { return new Engine(manifest, base); });

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function stateFromUrl() {
    var params = new URLSearchParams(window.location.search), state = { q: params.get("q") || "", filters: {} };
    FACETS.forEach(function (key) { state.filters[key] = params.get(key) || ""; });
    return state;
  }

  function stateFromForm() {
    var state = { q: form.elements.q.value.trim(), filters: {} };
    FACETS.forEach(function (key) { state.filters[key] = form.elements[key] ? form.elements[key].value : ""; });
    return state;
  }

  function fillForm(state) {
    form.elements.q.value = state.q;
    FACETS.forEach(function (key) {
      var select = form.elements[key];
      if (!select) { return; }
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === state.filters[key]; });
      select.value = known ? state.filters[key] : "";
    });
  }

  function urlOf(state) {
    var params = new URLSearchParams();
    if (state.q) { params.set("q", state.q); }
    FACETS.forEach(function (key) { if (state.filters[key]) { params.set(key, state.filters[key]); } });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  /* The summary with every word whose analysed forms meet the query's terms in <mark>. */
  function snippet(engine, text, highlight) {
    var p = el("p", undefined, "snippet"), last = 0;
    engine.analyzer.groups(text, true).concat(engine.analyzer.groups(text, false)).filter(function (g) {
      return g.texts.some(function (t) { return highlight[t]; });
    }).sort(function (a, b) { return a.start - b.start; }).forEach(function (g) {
      if (g.start < last) { return; }
      p.appendChild(document.createTextNode(text.slice(last, g.start)));
      p.appendChild(el("mark", text.slice(g.start, g.end)));
      last = g.end;
    });
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function meta(engine, doc) {
    var labels = engine.m.facets.labels, parts = [];
    // A network's index labels its agencies (a single catalogue's one agency goes unsaid).
    if (labels.instansi) {
      (doc.instansi || []).forEach(function (slug) { parts.push(labels.instansi[slug] || slug); });
    }
    (doc.unit || []).forEach(function (slug) { parts.push((labels.unit || {})[slug] || slug); });
    (doc.tahun || []).forEach(function (year) { parts.push((labels.tahun || {})[year] || year); });
    return el("p", parts.join(" · "), "meta");
  }

  function render(engine, state, result, docs) {
    list.replaceChildren();
    docs.forEach(function (doc) {
      var li = el("li"), h = el("h2"), a = el("a", doc.title);
      a.href = root + doc.url;
      h.appendChild(a);
      li.appendChild(h);
      li.appendChild(snippet(engine, doc.summary, result.highlight));
      li.appendChild(meta(engine, doc));
      list.appendChild(li);
    });
    var n = result.hits.length, filtered = FACETS.some(function (k) { return state.filters[k]; });
    var text = n ? n + " hasil untuk “" + state.q + "”" : "Tidak ada hasil untuk “" + state.q + "”";
    if (filtered) { text += " dengan saringan terpilih"; }
    if (n > docs.length) { text += "; " + docs.length + " teratas ditampilkan"; }
    status.textContent = text + ".";
  }

  function run(state) {
    var mine = ++sequence;
    current = urlOf(state);
    if (!state.q) {
      list.replaceChildren();
      status.textContent = "";
      return Promise.resolve();
    }
    var timing = new Timing(state.q);
    return ready.then(function (engine) {
      timing.add("fetch", timing.start); // the manifest, when the query came before it
      return engine.search(state.q, state.filters, timing).then(function (result) {
        var top = result.hits.slice(0, SHOWN).map(function (h) { return h.doc; });
        return engine.documents(top, timing).then(function (docs) {
          if (mine !== sequence) { return; }
          var started = clock.now();
          render(engine, state, result, docs);
          timing.add("render", started);
          timing.record();
        });
      });
    }).catch(function () {
      if (mine === sequence) { status.textContent = "Indeks pencarian tidak dapat dimuat. Coba muat ulang halaman."; }
    });
  }

  function submit(event) {
    if (event) { event.preventDefault(); }
    var state = stateFromForm();
    var url = urlOf(state);
    if (url !== window.location.pathname + window.location.search) { window.history.pushState(null, "", url); }
    run(state);
  }

  form.addEventListener("submit", submit);
  /* Results as you type; the address changes only on submit, so history keeps whole queries. */
  form.elements.q.addEventListener("input", function () {
    var state = stateFromForm();
    if (urlOf(state) !== current) { run(state); }
  });
  FACETS.forEach(function (key) {
    if (form.elements[key]) { form.elements[key].addEventListener("change", function () { submit(); }); }
  });
  window.addEventListener("popstate", function () {
    var state = stateFromUrl();
    fillForm(state);
    run(state);
  });

  var initial = stateFromUrl();
  fillForm(initial);
  var done = run(initial);

  /* For tests and curious readers: the same analyzer and ranking the page uses. */
  window.KatalogCari = {
    ready: ready.then(function () { return done; }),
    analyse: function (text) { return ready.then(function (engine) { return engine.analyzer.analyse(text); }); },
    search: function (text, filters, limit) {
      return ready.then(function (engine) {
        return engine.search(text, filters || {}).then(function (result) {
          var top = result.hits.slice(0, limit || 10);
          return engine.documents(top.map(function (h) { return h.doc; })).then(function (docs) {
            return docs.map(function (doc, i) { return { slug: doc.slug, score: top[i].score }; });
          });
        });
      });
    }
  };
})();
