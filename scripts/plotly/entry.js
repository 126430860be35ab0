// plotly.js with only what peerreview draws (peerreview/reports/charts.py): the core (scatter and the
// cartesian axes, legend, hover) and the bar, box, heatmap and scatterpolar traces, with the Dutch locale.
// No map, geo or WebGL trace is registered, so plotly injects no map stylesheet and carries no map library.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/box'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scatterpolar'),
    require('plotly.js/lib/locales/nl')
]);

module.exports = Plotly;
