//# allFunctionsCalledOnLoad
/* Katalog Inovasi — the static search (cari/, and the home page's box), with no server.
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
 *
 * The first line is V8's explicit compile hint: an opened address runs nearly every function
 * here at once, so Chromium compiles them all while the script streams in, off the main
 * thread, instead of one by one as the first query calls them (docs/performance.md); other
 * engines read it as a comment.
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
  /* A query adds up its milliseconds of fetch (some file it needs still downloading), decode
   * (parsing what arrived), score (analysis, typo expansion, ranking) and render, and records
   * them as User Timing measures ("cari:fetch", ... and "cari:total"; detail: the query and
   * the index files it had to wait for) once it is shown. Cheap enough for production: a few performance.now() calls per query, and
   * each query clears the previous one's measures, so the timeline never grows. */
  var PHASES = ["fetch", "decode", "score", "render"];
  var clock = window.performance && typeof performance.now === "function" ? performance : Date;

  function Timing(query) {
    this.query = query;
    this.start = clock.now();
    this.ms = { fetch: 0, decode: 0, score: 0, render: 0 };
    this.waiting = 0;
    this.since = 0;
    this.waited = []; // the files it had to wait for
  }

  /* Add the time since `since` to `phase`; the current time, to chain phases. */
  Timing.prototype.add = function (phase, since) {
    var now = clock.now();
    this.ms[phase] += now - since;
    return now;
  };

  /* `promise`, its wait counted as fetch; waits that overlap count once. */
  Timing.prototype.wait = function (promise) {
    var self = this;
    if (this.waiting++ === 0) { this.since = clock.now(); }
    function done() { if (--self.waiting === 0) { self.add("fetch", self.since); } }
    return promise.then(function (value) { done(); return value; }, function (error) { done(); throw error; });
  };

  Timing.prototype.record = function () {
    if (!window.performance || typeof performance.measure !== "function") { return; }
    var self = this, detail = { query: this.query, waited: this.waited };
    try {
      PHASES.concat(["total"]).forEach(function (phase) { performance.clearMeasures("cari:" + phase); });
      PHASES.forEach(function (phase) {
        performance.measure("cari:" + phase, { start: self.start, duration: self.ms[phase], detail: detail });
      });
      performance.measure("cari:total", { start: this.start, end: clock.now(), detail: detail });
    } catch (ignored) { /* an older browser without User Timing 3: nothing to record */ }
  };

  /* A query whose time is not recorded (KatalogCari.search, prefetching). */
  var UNTIMED = {
    add: function () { return clock.now(); },
    wait: function (promise) { return promise; },
    record: function () {},
    waited: []
  };

  // --- Files: fetched once, decoded once, warmed when idle ---------------------------------
  /* The visitor's browser asks for less data (Save-Data): fetch nothing ahead of need. */
  function savingData() { return Boolean(navigator.connection && navigator.connection.saveData); }

  /* The index files of one build. Every file is fetched at most once per page and parsed at
   * most once; a warm bundle (the manifest's `warm`: every file of a kind in one response)
   * fills the same cache, and a file of a kind whose bundle is on its way waits for it. */
  function Files(manifest, base) {
    this.build = manifest.build;
    this.base = base;
    this.warmList = manifest.warm || [];
    this.raw = Object.create(null); // path -> promise of its text
    this.decoded = Object.create(null); // path -> parsed content
    this.bundles = Object.create(null); // kind -> promise of its bundle, once requested
    this.warming = null;
    this.queue = []; // files to prefetch, in order (see prefetch)
    this.fetching = 0; // prefetches on their way
    this.needed = 0; // loads a query is waiting for
  }

  Files.prototype.text = function (path, priority) {
    if (!this.raw[path]) {
      var options = priority ? { priority: priority } : undefined;
      this.raw[path] = fetch(this.base + path + "?v=" + this.build, options).then(function (response) {
        if (!response.ok) { throw new Error(path + ": " + response.status); }
        return response.text();
      });
    }
    return this.raw[path];
  };

  /* The decoded content of each of `paths`; waiting counts as `timing`'s fetch, parsing as decode. */
  Files.prototype.load = function (paths, timing) {
    var self = this, missing = paths.filter(function (path) { return !(path in self.decoded); });
    if (!missing.length) { return Promise.resolve(paths.map(function (path) { return self.decoded[path]; })); }
    var needed = timing !== UNTIMED; // a query waits for these: prefetching holds back meanwhile
    if (needed) {
      timing.waited = timing.waited.concat(missing);
      this.needed++;
    }
    var arrived = timing.wait(Promise.all(missing.map(function (path) {
      var bundle = self.bundles[path.slice(0, path.indexOf("/"))];
      if (!bundle || self.raw[path]) { return self.text(path); }
      // Its bundle is on its way: wait for it, then fetch the file alone only if that failed.
      var alone = function () { return path in self.decoded ? null : self.text(path); };
      return bundle.then(alone, alone);
    })));
    if (needed) {
      var settled = function () { self.needed--; self.pump(); };
      arrived.then(settled, settled);
    }
    return arrived.then(function (texts) {
      var started = clock.now();
      missing.forEach(function (path, i) {
        if (texts[i] !== null && !(path in self.decoded)) { self.decoded[path] = JSON.parse(texts[i]); }
      });
      timing.add("decode", started);
      return paths.map(function (path) { return self.decoded[path]; });
    });
  };

  /* Fetch `paths` in this order at low priority, PREFETCHING at a time and none while a query
   * waits for a file, decoding each as it arrives; a later call replaces the files not yet
   * asked for. Few at a time, so that a key typed meanwhile finds connections (six per host
   * over HTTP/1.1) free for what it needs now. */
  var PREFETCHING = 4;
  Files.prototype.prefetch = function (paths) {
    var self = this;
    this.queue = paths.filter(function (path) {
      return !(path in self.decoded) && !self.raw[path] && !self.bundles[path.slice(0, path.indexOf("/"))];
    });
    this.pump();
  };

  Files.prototype.pump = function () {
    var self = this;
    while (this.fetching < PREFETCHING && this.needed === 0 && this.queue.length) {
      var path = this.queue.shift();
      if (path in this.decoded || this.raw[path]) { continue; }
      this.fetching++;
      // Typo word lists are decoded on arrival (anticipate reads them); shards when needed.
      var arrived = path.indexOf("k/") === 0 ? (this.text(path, "low"), this.load([path], UNTIMED)) : this.text(path, "low");
      arrived.catch(function () { /* asked for again when needed */ }).then(function () {
        self.fetching--;
        self.pump();
      });
    }
  };

  /* Fetch the warm bundles one after another, at low priority, unless the visitor's browser
   * asks to save data. Each bundle's kind is marked as on its way only once its own request
   * starts, so a key typed meanwhile fetches the one small file it needs instead of waiting. */
  Files.prototype.warm = function () {
    if (this.warming) { return this.warming; }
    var self = this, chain = Promise.resolve();
    if (!savingData()) {
      this.warmList.forEach(function (entry) {
        var kind = entry[0], path = entry[1];
        chain = chain.then(function () {
          if (path.indexOf(kind + "/") === 0) { return self.load([path], UNTIMED).catch(function () {}); }
          var bundle = self.text(path, "low").then(function (text) {
            var files = JSON.parse(text);
            Object.keys(files).forEach(function (name) {
              if (!(name in self.decoded)) { self.decoded[name] = files[name]; }
            });
          });
          self.bundles[kind] = bundle;
          return bundle.catch(function () { delete self.bundles[kind]; });
        });
      });
    }
    this.warming = chain;
    return chain;
  };

  // --- Ranking: katalog/ranking.py ------------------------------------------------------
  function Engine(manifest, base) {
    this.m = manifest;
    this.files = new Files(manifest, base);
    this.analyzer = new Analyzer(manifest.analysis);
  }

  Engine.prototype.load = function (paths, timing) { return this.files.load(paths, timing || UNTIMED); };

  Engine.prototype.warm = function () { return this.files.warm(); };

  Engine.prototype.fuzzyWords = function (text) {
    var min = this.m.ranking.fuzzy_min_length, words = [];
    this.analyzer.groups(text, false).forEach(function (g) { words = words.concat(g.texts); });
    return unique(words).filter(function (w) { return w.length >= min && w.indexOf("-") === -1; }).sort();
  };

  /* The typo words a word of `length` letters starting with `letter` may be one edit from:
   * the file of its lists by length (its own, one shorter, one longer), or null. */
  Engine.prototype.lexiconFile = function (letter, length) {
    return this.m.kata[letter + ":" + length] || null;
  };

  /* Those words, from a file already in (else none): all of them, or those of `length`. */
  Engine.prototype.lexicon = function (letter, around, length) {
    var byLength = this.files.decoded[this.lexiconFile(letter, around)];
    if (!byLength) { return []; }
    if (length !== undefined) { return byLength[length] || []; }
    return [].concat(byLength[around - 1] || [], byLength[around] || [], byLength[around + 1] || []);
  };

  /* Is `v` one edit from `w` + some letter? (withinOneEdit(w + c, v) for any c, in one pass.) */
  function nearExtension(w, v) {
    var n = w.length, i = 0, j = 0;
    if (v.length === n + 1) { // w + c against v: c matches v's last letter; one slip in w
      var slips = 0;
      for (i = 0; i < n; i++) { if (w[i] !== v[i]) { slips++; } }
      return slips <= 1;
    }
    if (v.length === n) { // one letter of w + c dropped: c itself (v is w), or one of w's
      if (v === w) { return true; }
      while (i < n - 1 && w[i] === v[i]) { i++; }
      return w.slice(i + 1) === v.slice(i, n - 1);
    }
    if (v.length === n + 2) { // one letter added to w + c: w is v's start, less one letter
      while (j < n && w[j] === v[j]) { j++; }
      return j === n || w.slice(j) === v.slice(j + 1, n + 1);
    }
    return false;
  }

  var SHOWN = 20; // results listed
  // Letters by how often they occur in Indonesian text: the order of guesses about the next
  // key before the lexicon's word lists say which letters can follow.
  var ALPHABET = "anieurtkmsdlgpbhyojcwfvzqx";
  var AHEAD = 3; // typo word files fetched this many letters ahead of the word typed

  /* Fetch now, without waiting, what the next key will need. While a word w is typed, the
   * next key makes it w + a letter: the postings shards of the stems of each such word and of
   * its typo neighbours (lexicon words one edit from it), and the typo word lists a few
   * letters longer. Letters are those that follow w in the lexicon's words (all of them
   * while its lists are not in), and shards are asked for in order of how many of the
   * lexicon's words lead to them, so the likely ones come first. */
  Engine.prototype.anticipate = function (text) {
    var match, last = null;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) { last = match; }
    if (!last || last.index + last[0].length !== text.length) { return; }
    var w = last[0].toLowerCase();
    if (HYPHEN.test(w) || savingData()) { return; }
    var self = this, min = this.m.ranking.fuzzy_min_length, lexicon = [];
    for (var ahead = 1; ahead <= AHEAD; ahead++) {
      var file = this.lexiconFile(w[0], w.length + ahead);
      if (file) { lexicon.push(file); }
    }
    // How many lexicon words continue w with each letter (from the lists already in: the
    // file around two letters more holds the words one to three letters longer).
    var weights = Object.create(null), longer = this.lexicon(w[0], w.length + 2);
    var known = Boolean(this.files.decoded[this.lexiconFile(w[0], w.length + 2)]);
    for (var i = 0; i < longer.length; i++) {
      if (longer[i].lastIndexOf(w, 0) === 0) { weights[longer[i][w.length]] = (weights[longer[i][w.length]] || 0) + 1; }
    }
    known = known && Object.keys(weights).length > 0;
    var letters = known ? Object.keys(weights) : ALPHABET.split("");
    if (!known) { letters.forEach(function (letter, i) { weights[letter] = (ALPHABET.length - i) / ALPHABET.length; }); }
    // Typo neighbours of some w + letter (lengths |w| to |w| + 2), then of each w + letter.
    var near = w.length + 1 >= min ? this.lexicon(w[0], w.length + 1).filter(function (v) {
      return nearExtension(w, v);
    }) : [];
    var priority = Object.create(null);
    var want = function (term, weight) {
      var path = self.shardPath(term);
      if (path) { priority[path] = (priority[path] || 0) + weight; }
    };
    letters.forEach(function (letter) {
      var next = w + letter, weight = weights[letter] || 1;
      self.analyzer.groups(next, true).forEach(function (g) { g.texts.forEach(function (t) { want(t, weight); }); });
      if (next.length >= min) {
        near.forEach(function (v) { if (withinOneEdit(next, v)) { want(v, weight); } });
      }
    });
    var shards = Object.keys(priority).sort(function (a, b) { return priority[b] - priority[a]; });
    this.files.prefetch(lexicon.concat(shards));
  };

  Engine.prototype.plan = function (text) {
    var r = this.m.ranking, a = this.analyzer, parts = [];
    var phrasings = [[text, 1.0]].concat(a.expandQuery(text, this.m.synonyms).map(function (e) {
      return [e, r.synonym_boost];
    }));
    var fields = this.m.fields;
    phrasings.forEach(function (p) {
      var words = a.groups(p[0], true).map(function (g) { return g.texts; });
      parts.push({ boost: p[1], words: words, terms: words, fields: fields, fuzzy: false });
    });
    var fuzzy = this.fuzzyWords(text).map(function (w) { return [w]; });
    parts.push({ boost: r.fuzzy_boost, words: fuzzy, terms: null, fields: [r.fuzzy_field], fuzzy: true });
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

  /* Expand the typo part's words to lexicon words one edit away with the same first letter
   * (ranking.near_words), from the word lists by first letter and length. */
  Engine.prototype.expandFuzzy = function (parts, timing) {
    var self = this;
    return Promise.all(parts.map(function (part) {
      if (!part.fuzzy) { return part; }
      return Promise.all(part.words.map(function (word) {
        var w = word[0], file = self.lexiconFile(w[0], w.length);
        return self.load(file ? [file] : [], timing).then(function () {
          var started = clock.now(), lexicon = self.lexicon(w[0], w.length);
          var near = lexicon.filter(function (other) { return withinOneEdit(w, other); }).sort();
          timing.add("score", started);
          return near;
        });
      })).then(function (terms) {
        return { boost: part.boost, words: part.words, terms: terms, fields: part.fields, fuzzy: true };
      });
    }));
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

  Engine.prototype.shardPath = function (term) {
    var shard = this.shardOf(term);
    return shard < 0 ? null : "t/" + shard + ".json";
  };

  /* Load the postings shards of every term of `parts` (those with their terms known). */
  Engine.prototype.loadTerms = function (parts, timing) {
    var self = this, wanted = [];
    parts.forEach(function (part) {
      (part.terms || []).forEach(function (alternatives) {
        alternatives.forEach(function (term) {
          var path = self.shardPath(term);
          if (path) { wanted.push(path); }
        });
      });
    });
    return this.load(unique(wanted), timing);
  };

  /* A term's flat postings in `field`: [doc gap, frequency, field length, ...], or null. */
  Engine.prototype.postings = function (field, term) {
    var path = this.shardPath(term), shard = path && this.files.decoded[path];
    var entry = shard && shard[term];
    return (entry && entry[field]) || null;
  };

  /* One word's scores, added into `word` (indexed by document); the documents it touched, in
   * the order they were first met. Sums in the order of ranking._word_scores: fields, terms,
   * postings, so every document adds the same numbers in the same order as Python. */
  Engine.prototype.wordScores = function (part, terms, word, seen) {
    var m = this.m, K1 = m.ranking.k1, B = m.ranking.b, touched = [];
    for (var f = 0; f < part.fields.length; f++) {
      var field = part.fields[f], boost = m.boosts[field] || 1.0, average = m.average_lengths[field];
      for (var t = 0; t < terms.length; t++) {
        var flat = this.postings(field, terms[t]);
        if (!flat) { continue; }
        var idf = Math.log(m.doc_count / (flat.length / 3 + 1)) + 1, doc = 0;
        for (var i = 0; i < flat.length; i += 3) {
          doc += flat[i];
          var tf = flat[i + 1] * boost;
          word[doc] += part.boost * (idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * flat[i + 2] / average))));
          if (!seen[doc]) { seen[doc] = 1; touched.push(doc); }
        }
      }
    }
    return touched;
  };

  /* Every matched document and its score (ranking.score): {docs: [doc, ...], scores}. Sums are
   * kept in arrays indexed by document, not maps: a common word at 10,000 entries touches
   * thousands of documents per field. */
  Engine.prototype.score = function (parts) {
    var n = this.m.doc_count, C = this.m.ranking.coordination;
    var totals = new Float64Array(n), hit = new Uint8Array(n), docs = [];
    var sums = new Float64Array(n), matched = new Int32Array(n), word = new Float64Array(n), seen = new Uint8Array(n);
    for (var p = 0; p < parts.length; p++) {
      var part = parts[p], inPart = [];
      for (var w = 0; w < part.terms.length; w++) {
        var touched = this.wordScores(part, part.terms[w], word, seen);
        for (var i = 0; i < touched.length; i++) {
          var doc = touched[i];
          if (matched[doc] === 0) { inPart.push(doc); }
          sums[doc] += word[doc];
          matched[doc] += 1;
          word[doc] = 0;
          seen[doc] = 0;
        }
      }
      for (var j = 0; j < inPart.length; j++) {
        var d = inPart[j], coord = (1 - C) + C * matched[d] / part.words.length;
        totals[d] += coord * sums[d];
        if (!hit[d]) { hit[d] = 1; docs.push(d); }
        sums[d] = 0;
        matched[d] = 0;
      }
    }
    return { docs: docs, scores: totals };
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

  /* The `limit` best of `docs` by descending score, ties by document (slug order), as
   * [{doc, score}]: one pass keeping a short sorted list, not a sort of every match (a
   * common word matches thousands of entries at 10,000). */
  function best(docs, scores, allowed, limit) {
    var top = [];
    docs.forEach(function (doc) {
      if (allowed && !allowed.has(doc)) { return; }
      var score = scores[doc], at = top.length;
      if (at === limit && (score < top[at - 1].score || (score === top[at - 1].score && doc > top[at - 1].doc))) {
        return;
      }
      while (at > 0 && (top[at - 1].score < score || (top[at - 1].score === score && top[at - 1].doc > doc))) { at--; }
      top.splice(at, 0, { doc: doc, score: score });
      if (top.length > limit) { top.pop(); }
    });
    return top;
  }

  /* A query's results: {total, hits: the `limit` best [{doc, score}], highlight}. Documents
   * are numbered in slug order, so ties go by slug. The shards of the query's own terms are
   * asked for at once, beside the typo words; the shards of the typo part's terms once those
   * are known (usually the same shards). */
  Engine.prototype.search = function (text, filters, timing, limit) {
    timing = timing || UNTIMED;
    var self = this, started = clock.now(), parts = this.plan(text);
    timing.add("score", started);
    // With the query's own terms, the shard where each typo word sorts: the word itself and
    // its neighbours that differ late in the word are there, so the typo part seldom needs a
    // second round trip once its word lists are in.
    var typo = parts.filter(function (part) { return part.fuzzy; }).map(function (part) {
      return { terms: part.words };
    });
    var exact = this.loadTerms(parts.concat(typo), timing);
    var expanded = this.expandFuzzy(parts, timing).then(function (result) {
      return self.loadTerms(result.filter(function (part) { return part.fuzzy; }), timing).then(function () {
        return result;
      });
    });
    return Promise.all([expanded, exact, this.allowed(filters || {}, timing)]).then(function (loaded) {
      var all = loaded[0], allowed = loaded[2], scoring = clock.now();
      var scored = self.score(all), total = scored.docs.length;
      if (allowed) { total = scored.docs.filter(function (doc) { return allowed.has(doc); }).length; }
      var hits = best(scored.docs, scored.scores, allowed, limit || SHOWN);
      var highlight = Object.create(null);
      all.forEach(function (part) {
        part.terms.forEach(function (terms) { terms.forEach(function (t) { highlight[t] = true; }); });
      });
      timing.add("score", scoring);
      return { total: total, hits: hits, highlight: highlight };
    });
  };

  /* When every document is in one file, any query with a result needs it: ask for it now,
   * beside the query's shards, instead of after them. */
  Engine.prototype.expectDocuments = function () {
    if (this.m.docs.files === 1) { this.load(["d/0.json"]).catch(function () { /* asked again when needed */ }); }
  };

  /* The stored fields of `docs`, in order. */
  Engine.prototype.documents = function (docs, timing) {
    var self = this, per = this.m.docs.per_file;
    var paths = docs.map(function (doc) { return "d/" + Math.floor(doc / per) + ".json"; });
    return this.load(unique(paths), timing).then(function () {
      return docs.map(function (doc, i) { return self.files.decoded[paths[i]][doc % per]; });
    });
  };

  // --- The page ---------------------------------------------------------------------------
  /* The page names its parts on the form: data-manifest (the index; it marks the form to
   * mount), data-root, and the ids of data-status, data-results and data-more (cari/'s own
   * by default); data-shown, how many results to show. With data-live (the home page), results
   * come as one types, the URL is left alone, and submitting goes to the form's action
   * (cari/?q=...) as it does without JavaScript. */
  var form = document.querySelector("form[data-manifest]");
  if (!form) { return; }
  var status = document.getElementById(form.getAttribute("data-status") || "cari-status");
  var list = document.getElementById(form.getAttribute("data-results") || "cari-hasil");
  var more = document.getElementById(form.getAttribute("data-more") || "cari-semua");
  if (!status || !list) { return; }
  var FACETS = ["unit", "bidang", "jenis", "tahun", "instansi"];
  // How many results the page lists (the engine's SHOWN unless the form says: 5 on the home page).
  SHOWN = Number(form.getAttribute("data-shown")) || SHOWN;
  var LIVE = form.hasAttribute("data-live");
  // cari/'s filters, folded in a disclosure (its content in a <template> until wanted); none on the home page.
  var filterPanel = form.querySelector("details.search-filters-toggle");
  var PAUSE = 150;  // ms without a keystroke before the home page's live search runs: one per pause
  // Shown as soon as their documents are in; the rest follow at once after a submit, or
  // once typing pauses (PAUSE_MS), so that keys do not queue behind requests for results
  // below the first screen.
  var FIRST = 5;
  var PAUSE_MS = 250;
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
    if (LIVE) { return stateFromForm(); }  // the home page's box: a query the browser restored (back)
    var params = new URLSearchParams(window.location.search), state = { q: params.get("q") || "", filters: {} };
    FACETS.forEach(function (key) { state.filters[key] = params.get(key) || ""; });
    return state;
  }

  function stateFromForm() {
    var state = { q: form.elements.q.value.trim(), filters: {} };
    FACETS.forEach(function (key) { state.filters[key] = form.elements[key] ? form.elements[key].value : ""; });
    return state;
  }

  /* The filters, put in place from their <template> (cari.html) the first time they are wanted. */
  function unfoldFilters() {
    var template = filterPanel && filterPanel.querySelector(":scope > template");
    if (template) { template.replaceWith(template.content); }
  }

  function fillForm(state) {
    form.elements.q.value = state.q;
    if (FACETS.some(function (key) { return state.filters[key]; })) { unfoldFilters(); }
    var filtered = false;
    FACETS.forEach(function (key) {
      var select = form.elements[key];
      if (!select) { return; }
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === state.filters[key]; });
      select.value = known ? state.filters[key] : "";
      filtered = filtered || Boolean(select.value);
    });
    // The filters are folded away (cari.html) unless the address holds one: then they show.
    if (filterPanel && filtered) { filterPanel.open = true; }
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

  /* The list items of `docs`, built off the page: the page lays them out once. */
  function items(engine, result, docs) {
    var fragment = document.createDocumentFragment();
    docs.forEach(function (doc) {
      var li = el("li"), h = el("h2"), a = el("a", doc.title);
      a.href = root + doc.url;
      h.appendChild(a);
      li.appendChild(h);
      li.appendChild(snippet(engine, doc.summary, result.highlight));
      li.appendChild(meta(engine, doc));
      fragment.appendChild(li);
    });
    return fragment;
  }

  function render(engine, state, result, docs) {
    list.replaceChildren(items(engine, result, docs));
    var n = result.total, filtered = FACETS.some(function (k) { return state.filters[k]; });
    var text = n ? n + " hasil untuk “" + state.q + "”" : "Tidak ada hasil untuk “" + state.q + "”";
    if (filtered) { text += " dengan saringan terpilih"; }
    if (n > SHOWN) { text += "; " + SHOWN + " teratas ditampilkan"; }
    status.textContent = text + ".";
    showMore(n > SHOWN ? state : null);
  }

  /* The link to every result on cari/ (the home page's), for `state`, or hidden (null). */
  function showMore(state) {
    if (!more) { return; }
    more.hidden = !state;
    if (state) { more.querySelector("a").href = form.action + "?" + new URLSearchParams({ q: state.q }); }
  }

  /* The rest of the list after the first results: at once, or after a pause in typing. */
  function rest(engine, result, docs, mine, typed) {
    var pause = new Promise(function (resolve) { setTimeout(resolve, typed ? PAUSE_MS : 0); });
    return pause.then(function () {
      if (mine !== sequence) { return undefined; }
      return engine.documents(docs).then(function (found) {
        if (mine === sequence) { list.appendChild(items(engine, result, found)); }
      });
    });
  }

  /* Show the results of `state`; those of an earlier call still on their way are dropped.
   * `typed`: run by a key in the search box (see FIRST). */
  function run(state, typed) {
    var mine = ++sequence;
    current = urlOf(state);
    if (!state.q) {
      list.replaceChildren();
      status.textContent = "";
      showMore(null);
      return Promise.resolve();
    }
    var timing = new Timing(state.q);
    return ready.then(function (engine) {
      timing.add("fetch", timing.start); // the manifest, when the query came before it
      engine.expectDocuments();
      return engine.search(state.q, state.filters, timing).then(function (result) {
        var top = result.hits.map(function (h) { return h.doc; });
        return engine.documents(top.slice(0, FIRST), timing).then(function (docs) {
          if (mine !== sequence) { return undefined; }
          var started = clock.now();
          render(engine, state, result, docs);
          timing.add("render", started);
          timing.record();
          // While a word is typed, fetch what the next key needs (after this paint; also when
          // the next key came first: what this key needs, that one may need too).
          if (typed && !/\s$/.test(form.elements.q.value)) {
            setTimeout(function () { engine.anticipate(state.q); }, 0);
          }
          return top.length > FIRST ? rest(engine, result, top.slice(FIRST), mine, typed) : undefined;
        });
      });
    }).catch(function () {
      if (mine === sequence) { status.textContent = "Indeks pencarian tidak dapat dimuat. Coba muat ulang halaman."; }
    });
  }

  function submit(event) {
    if (LIVE) { return; }  // the home page's box: the browser opens cari/?q=..., as without JavaScript
    if (event) { event.preventDefault(); }
    var state = stateFromForm();
    var url = urlOf(state);
    if (url !== window.location.pathname + window.location.search) { window.history.pushState(null, "", url); }
    run(state);
  }

  form.addEventListener("submit", submit);
  /* Results as you type; the address changes only on submit, so history keeps whole queries.
   * On the home page (LIVE), one search per pause in typing, so its status line is announced once. */
  var timer = 0;
  form.elements.q.addEventListener("input", function () {
    var state = stateFromForm();
    if (urlOf(state) === current) { return; }
    if (!LIVE) { run(state, true); return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { run(stateFromForm(), true); }, PAUSE);
  });
  // Warm the index once the page is idle (or as soon as the search box is focused).
  form.elements.q.addEventListener("focus", function () { ready.then(function (engine) { engine.warm(); }); });
  form.addEventListener("change", function (event) {
    if (FACETS.indexOf(event.target.name) !== -1) { submit(); }
  });
  // The folded filters are put in place as the disclosure opens (a click, or Enter on its
  // summary, comes before it opens), or when it opens in another way (toggle).
  if (filterPanel) {
    filterPanel.querySelector("summary").addEventListener("click", unfoldFilters);
    filterPanel.addEventListener("toggle", function () { if (filterPanel.open) { unfoldFilters(); } });
  }
  window.addEventListener("popstate", function () {
    var state = stateFromUrl();
    fillForm(state);
    run(state);
  });

  var initial = stateFromUrl();
  fillForm(initial);
  var done = run(initial);
  var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 50); };
  var warmed = ready.then(function (engine) {
    return done.then(function () {
      return new Promise(function (resolve) { idle(function () { resolve(engine.warm()); }); });
    });
  }).catch(function () { /* no manifest: the status already says so */ });

  /* For tests and curious readers: the same analyzer and ranking the page uses. */
  window.KatalogCari = {
    ready: ready.then(function () { return done; }),
    warmed: warmed, // the page's idle prefetch is in
    analyse: function (text) { return ready.then(function (engine) { return engine.analyzer.analyse(text); }); },
    search: function (text, filters, limit) {
      return ready.then(function (engine) {
        return engine.search(text, filters || {}, UNTIMED, limit || 10).then(function (result) {
          var top = result.hits;
          return engine.documents(top.map(function (h) { return h.doc; })).then(function (docs) {
            return docs.map(function (doc, i) { return { slug: doc.slug, score: top[i].score }; });
          });
        });
      });
    }
  };
})();
