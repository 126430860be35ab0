// Draws the result pages' charts with the plotly.js we serve ourselves. Each chart is a <div data-chart="ID">
// beside a <script type="application/json" id="ID"> holding the figure (data and layout); no inline script is
// needed, so the Content-Security-Policy keeps 'unsafe-inline' out. Every chart has a table with the same
// numbers next to it, so the page still says everything when this file or plotly does not load.
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var config = { displayModeBar: false, responsive: true, displaylogo: false, scrollZoom: false };
  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) { return; }
    var figure;
    try { figure = JSON.parse(source.textContent); } catch (error) { return; }
    var fallback = element.querySelector(".chart__fallback");
    window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, config).then(function () {
      if (fallback) { fallback.remove(); }
      element.setAttribute("data-rendered", "true");
    });
  });
  // Before printing, give every chart the width of an A4 page (Plots.resize waits for a timer, too late for the
  // print layout, so the width is set at once); afterwards it follows the window again.
  var PRINT_WIDTH = 680;
  function forPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rendered]"), function (element) {
      window.Plotly.relayout(element, { width: Math.min(PRINT_WIDTH, element.clientWidth || PRINT_WIDTH) });
    });
  }
  function forScreen() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rendered]"), function (element) {
      window.Plotly.relayout(element, { width: null, autosize: true });
    });
  }
  window.addEventListener("beforeprint", forPrint);
  window.addEventListener("afterprint", forScreen);
})();
