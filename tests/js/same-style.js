// Does the site's one style sheet style the page as the files it replaces do? Called by tests/test_browser.py with
// the list of those files (the first comment of microwork-site.css): it records what the reader sees of every element
// (its box and the properties that paint it, its ::before and ::after too), swaps the combined file for the originals,
// records again and returns the differences (at most 25).
async (original) => {
  const quiet = document.createElement('style');
  quiet.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.append(quiet);
  const elements = () => [document.documentElement, ...document.querySelectorAll('html *')]
    .filter(e => !e.closest('svg, .vega-embed, .mw-vega, script, style, link, meta, noscript'));
  // What the reader sees of each element: its box, and the properties that paint it.
  const PROPERTIES = ['display', 'position', 'float', 'visibility', 'opacity', 'z-index', 'overflow-x', 'overflow-y',
    'color', 'background-color', 'background-image', 'border-top', 'border-right', 'border-bottom', 'border-left',
    'border-radius', 'box-shadow', 'outline', 'font-family', 'font-size', 'font-weight', 'font-style', 'line-height',
    'text-align', 'text-decoration', 'text-transform', 'white-space', 'letter-spacing', 'list-style', 'content',
    'mask-image', '-webkit-mask-image', 'cursor', 'transform', 'filter', 'fill', 'stroke'];
  const snapshot = () => elements().map(e => {
    const box = e.getBoundingClientRect();
    const styles = {box: [box.x, box.y, box.width, box.height].map(Math.round).join(' ')};
    for (const pseudo of ['', '::before', '::after']) {
      const s = getComputedStyle(e, pseudo || null);
      if (pseudo && s.content === 'none') continue;
      for (const property of PROPERTIES) styles[pseudo + property] = s.getPropertyValue(property);
    }
    return styles;
  });
  const name = e => {
    const parts = [];
    for (let n = e; n && n.nodeType === 1 && parts.length < 4; n = n.parentElement)
      parts.unshift(n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + (n.classList.length ? '.' + [...n.classList].join('.') : ''));
    return parts.join(' > ');
  };
  const before = snapshot();
  const combined = document.querySelector('link[href*="microwork-site.css"]');
  const base = new URL(combined.href, location.href);
  const loads = original.map(path => new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('../' + path, base).href;
    link.onload = resolve; link.onerror = () => reject(new Error('cannot load ' + link.href));
    combined.before(link);
  }));
  await Promise.all(loads);
  combined.remove();
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const after = snapshot();
  const list = elements();
  const differences = [];
  if (before.length !== after.length) return {count: list.length, differences: ['element count ' + before.length + ' vs ' + after.length]};
  for (let i = 0; i < before.length && differences.length < 25; i++) {
    for (const key of new Set([...Object.keys(before[i]), ...Object.keys(after[i])])) {
      if (before[i][key] !== after[i][key]) {
        differences.push(name(list[i]) + ' ' + key + ': ' + before[i][key] + ' (combined) vs ' + after[i][key] + ' (original)');
        if (differences.length >= 25) break;
      }
    }
  }
  return {count: list.length, differences};
}
