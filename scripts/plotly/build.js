// Bundles entry.js into ../../peerreview/static/vendor/plotly-peerreview-<version>.min.js with esbuild, the
// way plotly.js's own esbuild-config.js builds its dist files (iife, global "Plotly", es2016), minified.
'use strict';

const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const version = require('plotly.js/package.json').version;
const vendor = path.join(__dirname, '..', '..', 'peerreview', 'static', 'vendor');
const outfile = path.join(vendor, `plotly-peerreview-${version}.min.js`);
const banner = [
    '/**',
    `* plotly.js v${version} (partial bundle for peerreview: core, bar, box, heatmap, scatterpolar; locale nl)`,
    '* Copyright 2012-2026, Plotly, Inc.',
    '* All rights reserved.',
    '* Licensed under the MIT license (see plotly.js-LICENSE.txt beside this file)',
    '* Built by scripts/build-plotly.sh from scripts/plotly/entry.js',
    '*/',
].join('\n');

for (const old of fs.readdirSync(vendor).filter((name) => /^plotly-peerreview-/.test(name))) {
    fs.unlinkSync(path.join(vendor, old));
}
esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'entry.js')],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',
    sourcemap: false,
    banner: { js: banner },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    target: 'es2016',
    // plotly's registry requires maplibre's stylesheet when a map trace is registered; none is, so the import
    // becomes an empty module: no stylesheet is written or injected.
    loader: { '.css': 'empty' },
    logLevel: 'warning',
});
// Compressed once, at the highest levels, beside the file: the app (peerreview/assets.py) sends these to a
// browser that accepts them, and nginx may do the same (brotli_static, gzip_static).
const bundle = fs.readFileSync(outfile);
fs.writeFileSync(outfile + '.br', zlib.brotliCompressSync(bundle, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bundle.length },
}));
fs.writeFileSync(outfile + '.gz', zlib.gzipSync(bundle, { level: 9 }));
fs.copyFileSync(require.resolve('plotly.js/LICENSE'), path.join(vendor, 'plotly.js-LICENSE.txt'));
for (const file of [outfile, outfile + '.br', outfile + '.gz']) {
    console.log(`${path.relative(process.cwd(), file)}: ${fs.statSync(file).size} bytes`);
}
