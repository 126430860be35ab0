// Draws the result pages' charts with the plotly.js bundle we serve ourselves (static/vendor, built by
// scripts/build-plotly.sh). Each chart is a <div data-chart="ID"> beside a <script type="application/json"
// id="ID"> holding the figure (data and layout); no inline script is needed, so the Content-Security-Policy keeps
// 'unsafe-inline' out. Every chart has a table with the same numbers next to it, so the page still says everything
// when this file or plotly does not load.
//
// Light: plotly (its URL is this script's data-plotly) is fetched only when the first chart comes near the
// viewport, and each chart is drawn when it scrolls into view; the page (text, tables) is usable before that.
// Narrow (a phone, or 200 % zoom): fewer ticks, shorter labels (the full text is in the table), the legend below
// the chart, the trend's small charts in one column.
(function () {
  "use strict";
  var script = document.currentScript;
  var source = script && script.getAttribute("data-plotly");
  var elements = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  if (!elements.length || !source) { return; }

  var NARROW = 640;       // CSS pixels of chart width below which the narrow layout is used
  var PRINT_WIDTH = 680;  // an A4 page's text width
  var config = { displayModeBar: false, responsive: true, displaylogo: false, scrollZoom: false, locale: "nl" };
  var figures = new Map();

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  // ---------------------------------------------------------------- the narrow layout

  function shorten(text, limit) {
    text = String(text);
    return text.length <= limit ? text : text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026";
  }

  function wrap(text, width) {
    var lines = [];
    String(text).split(/\s+/).forEach(function (word) {
      if (lines.length && lines[lines.length - 1].length + 1 + word.length <= width) {
        lines[lines.length - 1] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.join("<br>");
  }

  // One short label per long one, the same for every trace of the chart, never two alike.
  function shortener(limit) {
    var given = new Map();
    var used = new Set();
    return function (label) {
      if (typeof label !== "string" || label.indexOf("<br>") !== -1) { return label; }
      if (given.has(label)) { return given.get(label); }
      var short = shorten(label, limit);
      var n = 2;
      while (used.has(short) && short !== label) { short = shorten(label, limit - 2) + " " + n++; }
      given.set(label, short);
      used.add(short);
      return short;
    };
  }

  function axesOf(layout) {
    return Object.keys(layout).filter(function (key) { return /^[xy]axis\d*$/.test(key); });
  }

  function narrowLayout(figure, width) {
    var data = clone(figure.data || []);
    var layout = clone(figure.layout || {});
    var height = layout.height || 400;
    var title = layout.title && layout.title.text;
    if (title) {
      layout.title.text = wrap(title, Math.max(18, Math.floor(width / 9)));
      layout.title.font = { size: 14 };
      // at the very top, whatever the top margin below it holds (an axis title, the trend's first title)
      Object.assign(layout.title, { yref: "container", yanchor: "top" });
      height += 18 * (layout.title.text.split("<br>").length - 1);
    }
    layout.font = Object.assign({}, layout.font, { size: 12 });
    var margin = layout.margin || {};
    layout.margin = { l: 4, r: 8, t: (margin.t || 50) + 18 * (title ? layout.title.text.split("<br>").length - 1 : 0),
                      b: margin.b || 40 };
    var labelLimit = width < 400 ? 14 : 20;
    var short = shortener(labelLimit);
    var polar = data.some(function (trace) { return trace.type === "scatterpolar"; });
    data.forEach(function (trace) {
      if (trace.orientation === "h" || trace.type === "heatmap" || (trace.type === "scatter" && trace.mode === "markers" && Array.isArray(trace.y) && typeof trace.y[0] === "string")) {
        if (Array.isArray(trace.y)) { trace.y = trace.y.map(short); }
      }
      if (trace.type === "scatterpolar" && Array.isArray(trace.theta)) {
        // around a small radar only the themes' numbers fit ("1.", "2."); the table beside it names them
        trace.theta = trace.theta.map(function (label) {
          var number = String(label).match(/^(\d+(\.\d+)*\.?)\s/);
          return number ? number[1] : wrap(shorten(label, 24), 11);
        });
      }
      if (trace.type === "heatmap") { trace.showscale = false; }  // the numbers are in the cells
      if (trace.textfont) { trace.textfont = Object.assign({}, trace.textfont, { size: 12 }); }
    });
    axesOf(layout).forEach(function (key) {
      var axis = layout[key];
      if (axis.side === "top" && axis.title && axis.title.text) { layout.margin.t += 24; }  // below the title
      if (axis.range && axis.dtick === 1 && axis.range[1] - axis.range[0] > 6) { axis.dtick = 2; }
      axis.tickfont = Object.assign({}, axis.tickfont, { size: 11 });
      axis.automargin = true;
      if (axis.title && axis.title.text && axis.title.text.length > 24) {
        axis.title = Object.assign({}, axis.title, { text: wrap(axis.title.text, 24) });
        layout.margin.b += 16;
        height += 16;
      }
    });
    if (polar && layout.polar) {
      layout.polar.angularaxis = Object.assign({}, layout.polar.angularaxis, { tickfont: { size: 10 } });
      layout.polar.radialaxis = Object.assign({}, layout.polar.radialaxis, { tickfont: { size: 10 } });
      layout.polar.domain = { x: [0.14, 0.86] };
      height = Math.round(Math.min(height, width + 130));
    }
    if (layout.annotations && axesOf(layout).length > 2) {  // the trend's small charts: one column
      height = oneColumn(layout);
    }
    var inLegend = data.filter(function (trace) { return trace.showlegend !== false && trace.type !== "heatmap"; });
    var legendLines = 0;
    inLegend.forEach(function (trace) {
      if (trace.name) { trace.name = wrap(trace.name, Math.max(16, Math.floor((width - 60) / 7.5))); }
      legendLines += trace.name ? trace.name.split("<br>").length : 1;
    });
    if (layout.showlegend !== false && inLegend.length > 1) {
      // below the chart, one line per item at this width; the plot keeps its own height above them
      layout.legend = Object.assign({}, layout.legend, { orientation: "h", x: 0, xanchor: "left", y: 0,
                                                          yanchor: "bottom", yref: "container", traceorder: "normal" });
      var extra = 20 * legendLines + 6 * inLegend.length + 8;
      layout.margin.b += extra;
      height += extra;
    }
    layout.height = height;
    if (title) { layout.title.y = 1 - 12 / height; }
    return { data: data, layout: layout };
  }

  // The small charts one below the other: each gets the full width, a title above it and its round labels below.
  function oneColumn(layout) {
    var xs = axesOf(layout).filter(function (key) { return key.charAt(0) === "x"; });
    var count = xs.length;
    var each = 170;
    var gap = 80;
    layout.margin.t += 24;
    xs.forEach(function (key, index) {
      var suffix = key.slice(5);
      var top = 1 - index / count;
      layout[key].domain = [0, 1];
      layout["yaxis" + suffix].domain = [top - each / (each + gap) / count, top];
      if (layout.annotations[index]) {
        layout.annotations[index].x = 0.5;
        layout.annotations[index].y = top;
      }
    });
    return layout.margin.t + layout.margin.b + count * (each + gap);
  }

  function layoutFor(element) {
    var figure = figures.get(element);
    var width = element.clientWidth || PRINT_WIDTH;
    var narrow = width < NARROW;
    element.setAttribute("data-layout", narrow ? "narrow" : "wide");
    return narrow ? narrowLayout(figure, width) : { data: figure.data || [], layout: clone(figure.layout || {}) };
  }

  // ---------------------------------------------------------------- loading and drawing

  var loading = null;
  function plotly() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = source;
        tag.async = true;
        tag.onload = function () { if (window.Plotly) { resolve(window.Plotly); } else { reject(new Error("plotly")); } };
        tag.onerror = function () { reject(new Error("plotly")); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(element) {
    if (element.hasAttribute("data-drawing")) { return; }
    element.setAttribute("data-drawing", "true");
    plotly().then(function (Plotly) {
      var figure = layoutFor(element);
      return Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
        var fallback = element.querySelector(".chart__fallback");
        if (fallback) { fallback.remove(); }
        element.style.minHeight = "";
        element.setAttribute("data-rendered", "true");
      });
    }).catch(function () { element.removeAttribute("data-drawing"); });
  }

  elements.forEach(function (element) {
    var data = document.getElementById(element.getAttribute("data-chart"));
    if (!data) { return; }
    try { figures.set(element, JSON.parse(data.textContent)); } catch (error) { return; }
    // keep the chart's place, so that nothing below it moves when it is drawn
    element.style.minHeight = layoutFor(element).layout.height + "px";
  });

  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    }, { rootMargin: "200px 0px" });
    figures.forEach(function (_figure, element) { observer.observe(element); });
  } else {
    figures.forEach(function (_figure, element) { draw(element); });
  }

  // A chart whose width crosses the narrow limit (a window resized, zoom) gets the other layout.
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      document.querySelectorAll("[data-rendered]").forEach(function (element) {
        var narrow = (element.clientWidth || PRINT_WIDTH) < NARROW;
        if (narrow !== (element.getAttribute("data-layout") === "narrow")) {
          var figure = layoutFor(element);
          window.Plotly.react(element, figure.data, figure.layout, config);
        }
      });
    });
  });

  // Before printing, every chart gets the width of an A4 page (Plots.resize waits for a timer, too late for the
  // print layout, so the width is set at once); afterwards it follows the window. Once plotly is here, a chart not
  // yet scrolled to is drawn for the print; before plotly came (nothing was scrolled near a chart) the charts stay
  // out of the print and their tables, with the same numbers, print.
  function forPrint() {
    if (!window.Plotly) { return; }
    figures.forEach(function (_figure, element) {
      var width = Math.min(PRINT_WIDTH, element.clientWidth || PRINT_WIDTH);
      if (element.hasAttribute("data-rendered")) {
        window.Plotly.relayout(element, { width: width });
      } else if (!element.hasAttribute("data-drawing")) {
        // not scrolled to yet, but plotly is here: drawn now (plotly draws at once), so the print has it too
        element.setAttribute("data-drawing", "true");
        var figure = layoutFor(element);
        figure.layout.width = width;
        window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
          var fallback = element.querySelector(".chart__fallback");
          if (fallback) { fallback.remove(); }
          element.style.minHeight = "";
          element.setAttribute("data-rendered", "true");
        });
      }
    });
  }
  function forScreen() {
    document.querySelectorAll("[data-rendered]").forEach(function (element) {
      window.Plotly.relayout(element, { width: null, autosize: true });
    });
  }
  window.addEventListener("beforeprint", forPrint);
  window.addEventListener("afterprint", forScreen);
})();
