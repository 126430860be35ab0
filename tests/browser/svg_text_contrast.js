// The contrast of texts axe leaves undecided. In a chart's SVG (plotly layers several SVGs, and a tick is "too
// short"): the text's fill against what lies under its centre, a heatmap cell's pixel in plotly's image or the fill
// of the shapes below (composited over white). In HTML (a cell of a narrow table, partly scrolled out of view): its
// colour on its ancestors' background colours. Gets CSS selectors; returns per element the ratio and the minimum for
// its size, or null when it cannot decide. Used by tests/browser/test_accessibility.py.
async (selectors) => {
  const rgba = (text) => {
    const m = text.match(/[\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const lum = (c) => {
    const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const images = new Map();
  async function pixel(image, x, y) {
    const href = image.getAttribute('href') || image.getAttribute('xlink:href');
    if (!images.has(href)) {
      const img = new Image(); img.src = href; await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d'); context.drawImage(img, 0, 0); images.set(href, {canvas, context});
    }
    const {canvas, context} = images.get(href);
    const box = image.getBoundingClientRect();
    const px = Math.floor((x - box.left) / box.width * canvas.width);
    const py = Math.floor((y - box.top) / box.height * canvas.height);
    const d = context.getImageData(px, py, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  }
  const results = [];
  // plotly turns pointer events off on most layers, and elementsFromPoint skips those: on while measuring
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('.chart svg * { pointer-events: auto !important; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  for (const selector of selectors) {
    const text = document.querySelector(selector);
    if (!text) { results.push(null); continue; }
    const style = getComputedStyle(text);
    if (!text.closest('.chart svg')) {
      // HTML text that axe found partly covered (a cell scrolled out of a narrow table's view): its colour on the
      // background colours of its ancestors; undecided (null) where an ancestor has a background image.
      let bgHtml = [255, 255, 255];
      const layers = [];
      let undecided = false;
      for (let e = text; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.backgroundImage !== 'none') { undecided = true; break; }
        const c = rgba(s.backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      if (undecided) { results.push(null); continue; }
      for (const layer of layers.reverse()) bgHtml = over(layer, bgHtml);
      const fgHtml = over(rgba(style.color), bgHtml);
      const [hi, lo] = [lum(fgHtml), lum(bgHtml)].sort((p, q) => q - p);
      const px = parseFloat(style.fontSize), heavy = Number(style.fontWeight) >= 700;
      results.push({ratio: (hi + 0.05) / (lo + 0.05), minimum: px >= 24 || (heavy && px >= 18.66) ? 3 : 4.5,
                    text: text.textContent.trim().slice(0, 40), fg: fgHtml.map(Math.round), bg: bgHtml.map(Math.round)});
      continue;
    }
    const fg = rgba(style.fill);
    const box = text.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    let bg = [255, 255, 255];
    const below = document.elementsFromPoint(x, y).filter(e => e !== text && !text.contains(e) && e.closest('.chart'));
    const layers = [];
    const cells = text.closest('.hm') && text.closest('.hm').querySelector('image');  // a heatmap's cells
    if (cells) layers.push(await pixel(cells, x, y));
    for (const e of cells ? [] : below) {
      if (e.tagName === 'image') { layers.push(await pixel(e, x, y)); break; }
      if (!['rect', 'path'].includes(e.tagName)) continue;
      const s = getComputedStyle(e);
      if (s.fill === 'none' || s.visibility === 'hidden') continue;
      const c = rgba(s.fill); c[3] *= Number(s.fillOpacity) * Number(s.opacity);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    for (const layer of layers.reverse()) bg = over(layer, bg);
    const fgc = over(fg, bg);
    const [a, b] = [lum(fgc), lum(bg)].sort((p, q) => q - p);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    results.push({ratio: (a + 0.05) / (b + 0.05), minimum: size >= 24 || (bold && size >= 18.66) ? 3 : 4.5,
                  text: text.textContent, fg: fgc.map(Math.round), bg: bg.map(Math.round)});
  }
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== sheet);
  return results;
}
