/* policykg viz: builds the page from the JSON payload written by policykg/viz.py.
 *
 * Every string that comes from the letters reaches the DOM through textContent (never
 * innerHTML); tooltips are DOM elements handed to vis-network, canvas labels are plain text.
 * window.policykgViz exposes the network and its DataSets for tests and the console.
 */
(function () {
  "use strict";

  var payload = JSON.parse(document.getElementById("pkg-data").textContent);
  var classByKey = {};
  payload.classes.forEach(function (c) { classByKey[c.key] = c; });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function nodeTooltip(tip, cls) {
    var root = el("div", "pkg-tip");
    var kind = el("span", "pkg-tip-kind", tip.kind);
    kind.style.background = classByKey[cls] ? classByKey[cls].color : "#777";
    root.appendChild(kind);
    root.appendChild(el("div", "pkg-tip-name", tip.name));
    if (tip.props.length) {
      var list = el("dl");
      tip.props.forEach(function (pair) {
        list.appendChild(el("dt", null, pair[0]));
        list.appendChild(el("dd", null, pair[1]));
      });
      root.appendChild(list);
    }
    if (tip.sources.length) {
      var box = el("div", "pkg-tip-sources");
      box.appendChild(el("h3", null, "原文"));
      tip.sources.forEach(function (s) { box.appendChild(el("blockquote", null, s)); });
      root.appendChild(box);
    }
    root.appendChild(el("div", "pkg-tip-iri", tip.iri));
    return root;
  }

  function edgeTooltip(edge) {
    return el("div", "pkg-tip", edge.predName + "（" + edge.pred + "）");
  }

  var nodes = new vis.DataSet(payload.nodes.map(function (n) {
    return Object.assign({}, n, { title: nodeTooltip(n.tip, n.cls) });
  }));
  var edges = new vis.DataSet(payload.edges.map(function (e) {
    return Object.assign({}, e, { title: edgeTooltip(e) });
  }));
  var classOf = {};
  payload.nodes.forEach(function (n) { classOf[n.id] = n.cls; });

  var container = document.getElementById("pkg-graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, payload.options);
  var api = {
    network: network, nodes: nodes, edges: edges, stabilized: false, stabilizationMs: null,
  };
  window.policykgViz = api;

  /* ---- header, notes, stats ---- */
  document.getElementById("pkg-title").textContent = payload.title;
  var notes = document.getElementById("pkg-notes");
  payload.notes.forEach(function (text) { notes.appendChild(el("p", null, text)); });
  if (!payload.nodes.length) { notes.appendChild(el("p", null, "图中没有实体：请先运行 policykg build。")); }

  var hiddenClasses = {};
  function updateStats() {
    var shown = payload.nodes.filter(function (n) { return !hiddenClasses[n.cls]; }).length;
    var text = payload.nodes.length + " 个实体 · " + payload.edges.length + " 条关系";
    if (shown < payload.nodes.length) { text += "（显示 " + shown + " 个）"; }
    document.getElementById("pkg-stats").textContent = text;
  }

  /* ---- legend and type filters ---- */
  var counts = {};
  payload.nodes.forEach(function (n) { counts[n.cls] = (counts[n.cls] || 0) + 1; });
  var boxes = {};
  var legend = document.getElementById("pkg-classes");
  payload.classes.forEach(function (c) {
    var row = el("label", counts[c.key] ? null : "pkg-empty");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.disabled = !counts[c.key];
    box.dataset.cls = c.key;
    box.addEventListener("change", function () { setClassVisible(c.key, box.checked); });
    boxes[c.key] = box;
    var glyph = el("span", "pkg-glyph", c.glyph);
    glyph.style.color = c.color;
    row.appendChild(box);
    row.appendChild(glyph);
    row.appendChild(el("span", "pkg-class-name", c.name));
    row.appendChild(el("span", "pkg-count", counts[c.key] || 0));
    legend.appendChild(row);
  });

  function setClassVisible(key, visible) {
    if (visible) { delete hiddenClasses[key]; } else { hiddenClasses[key] = true; }
    if (boxes[key]) { boxes[key].checked = visible; }
    nodes.update(payload.nodes.filter(function (n) { return n.cls === key; })
      .map(function (n) { return { id: n.id, hidden: !visible }; }));
    edges.update(edges.get({ fields: ["id", "from", "to"] }).map(function (e) {
      return { id: e.id, hidden: !!(hiddenClasses[classOf[e.from]] || hiddenClasses[classOf[e.to]]) };
    }));
    updateStats();
  }
  api.setClassVisible = setClassVisible;
  updateStats();

  /* ---- search ---- */
  function norm(text) {
    return String(text).toLowerCase().replace(/\s+/g, "")
      .replace(/[\[［(（【]/g, "〔").replace(/[\]］)）】]/g, "〕");
  }
  var index = payload.nodes.map(function (n) { return { id: n.id, keys: n.keys.map(norm) }; });

  function findNodes(query) {
    var q = norm(query);
    if (!q) { return []; }
    var hits = [];
    index.forEach(function (entry) {
      var best = 9;
      entry.keys.forEach(function (k) {
        var at = k.indexOf(q);
        var score = k === q ? 0 : at === 0 ? 1 : at > 0 ? 2 : 9;
        if (score < best) { best = score; }
      });
      if (best < 9) { hits.push([best, entry.id]); }
    });
    hits.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    return hits.map(function (h) { return h[1]; });
  }

  var status = document.getElementById("pkg-status");
  var last = { query: null, hits: [], at: 0 };
  function search(query) {
    if (query !== last.query) {
      last = { query: query, hits: findNodes(query), at: 0 };
    } else if (last.hits.length) {
      last.at = (last.at + 1) % last.hits.length;  // Enter again: next match
    }
    if (!last.hits.length) {
      status.textContent = query ? "未找到：" + query : "";
      network.unselectAll();
      return null;
    }
    var id = last.hits[last.at];
    if (hiddenClasses[classOf[id]]) { setClassVisible(classOf[id], true); }
    network.selectNodes([id]);
    delete document.body.dataset.focused;
    network.once("animationFinished", function () { document.body.dataset.focused = id; });
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    status.textContent = (last.at + 1) + "/" + last.hits.length + "：" + nodes.get(id).label;
    return id;
  }
  api.findNodes = findNodes;
  api.search = search;
  document.getElementById("pkg-search").addEventListener("submit", function (event) {
    event.preventDefault();
    search(document.getElementById("pkg-query").value);
  });

  /* ---- stabilisation: bounded iterations, then physics off so large graphs stay responsive ---- */
  var loading = document.getElementById("pkg-loading");
  var loadingText = document.getElementById("pkg-loading-text");
  function finish() {
    if (api.stabilized) { return; }
    network.setOptions({ physics: { enabled: false } });
    loading.classList.add("pkg-done");
    api.stabilized = true;
    api.stabilizationMs = performance.now();
    document.body.dataset.stabilized = "true";  // for waiting without eval (the CSP forbids it)
    if (payload.focus.length) { network.selectNodes(payload.focus); }
  }
  network.on("stabilizationProgress", function (p) {
    loadingText.textContent = "布局中… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", finish);
  network.once("stabilized", finish);
  if (!payload.nodes.length) { finish(); }
})();
