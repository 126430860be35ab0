#!/usr/bin/env bash
# Builds peerreview/static/vendor/plotly-peerreview-<version>.min.js (with .br and .gz beside it): plotly.js with
# only the traces the app draws (scripts/plotly/entry.js), bundled by esbuild, both at the exact versions of
# scripts/plotly/package-lock.json. Needs Node and npm. Run it after changing entry.js or the plotly.js version
# (then also the version PLOTLY_BUNDLE names in peerreview/assets.py follows, as the file name carries it).
set -euo pipefail
cd "$(dirname "$0")/plotly"
npm ci --no-audit --no-fund --ignore-scripts
node build.js
