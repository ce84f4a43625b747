// Draw the book's charts with the Vega bundle served by the site itself (no network).
// Each chart is as wide as the text column and follows the book's light or dark mode: the spec carries its dark
// theme (usermeta.dark, written by microwork.analysis.charts). A chart is drawn again when the reader switches
// mode or when its column changes width. (Vega-Lite's own width "container" grows too wide when a window is
// narrowed and widened again, so the chart is given the column's width in pixels instead.)
(function () {
  var views = new Map();  // chart element -> the vega-embed result drawn in it

  // The mode the page is shown in: the theme's attribute, else the system's preference.
  function currentTheme() {
    var theme = document.documentElement.dataset.theme;
    if (theme === "dark" || theme === "light") return theme;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  // Replace every colour named in `colours` by its dark counterpart, outside the chart's data.
  function recoloured(value, colours, key) {
    if (key === "datasets" || key === "data" || key === "usermeta") return value;
    if (typeof value === "string") return Object.prototype.hasOwnProperty.call(colours, value) ? colours[value] : value;
    if (Array.isArray(value)) return value.map(function (item) { return recoloured(item, colours); });
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (k) { copy[k] = recoloured(value[k], colours, k); });
      return copy;
    }
    return value;
  }

  // `base` with `over` laid over it, key by key (objects merged, everything else replaced).
  function merged(base, over) {
    var out = Object.assign({}, base);
    Object.keys(over).forEach(function (k) {
      var both = out[k] && typeof out[k] === "object" && !Array.isArray(out[k]) &&
                 over[k] && typeof over[k] === "object" && !Array.isArray(over[k]);
      out[k] = both ? merged(out[k], over[k]) : over[k];
    });
    return out;
  }

  // The spec as drawn in `theme`, `width` px wide: its dark colours and config in dark mode.
  function themed(spec, theme, width) {
    var dark = spec.usermeta && spec.usermeta.dark;
    var out = theme === "dark" && dark ? recoloured(spec, dark.colours || {}) : Object.assign({}, spec);
    if (theme === "dark" && dark) out.config = merged(out.config || {}, dark.config || {});
    if (out.width === "container" && width > 0) out.width = width;
    return out;
  }

  function drawOne(el, theme) {
    var spec;
    try {  // one unreadable spec must not stop the other charts of the page
      spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
    } catch (error) {
      el.dataset.chartStatus = "failed";
      el.textContent = "This chart could not be drawn: its specification is unreadable.";
      console.error(error);
      return;
    }
    if (views.has(el)) { views.get(el).finalize(); views.delete(el); }
    var width = Math.floor(el.clientWidth);
    el.dataset.chartStatus = "drawing";
    el.dataset.chartTheme = theme;
    el.dataset.chartWidth = String(width);
    // A translated chart carries its number and date formats (usermeta.locale): 14 903, octobre.
    const locale = (spec.usermeta && spec.usermeta.locale) || {};
    const options = { renderer: "svg", actions: false };
    if (locale.number) options.formatLocale = locale.number;
    if (locale.time) options.timeFormatLocale = locale.time;
    window.vegaEmbed(el, themed(spec, theme, width), options)
      .then(function (result) {
        // a newer drawing is under way: drop this one
        if (el.dataset.chartTheme !== theme || el.dataset.chartWidth !== String(width)) { result.finalize(); return; }
        views.set(el, result);
        // vega-embed replaces the container's label with a generic one: give the description back.
        el.setAttribute("aria-label", el.dataset.description);
        el.setAttribute("role", "img");
        el.dataset.chartStatus = "drawn";
      })
      .catch(function (error) {
        el.dataset.chartStatus = "failed";
        el.textContent = "This chart could not be drawn: " + error;
        console.error(error);
      });
  }

  // Draw every chart not yet drawn in the current mode at its column's current width (once the library is loaded).
  function draw() {
    if (!window.vegaEmbed) return;
    var theme = currentTheme();
    document.querySelectorAll(".mw-vega").forEach(function (el) {
      if (el.clientWidth === 0 && el.dataset.chartStatus) return;  // hidden (e.g. printing): keep the drawing
      var stale = el.dataset.chartTheme !== theme || el.dataset.chartWidth !== String(Math.floor(el.clientWidth));
      var status = el.dataset.chartStatus;
      if (!status || status === "loading" || (status !== "failed" && stale)) drawOne(el, theme);
    });
  }

  var pending = null;
  function drawSoon() {  // one redraw after the column has stopped changing width
    clearTimeout(pending);
    pending = setTimeout(draw, 150);
  }

  // How the Vega bundle (about 300 KB gzipped, most of a second of a phone's processor) gets loaded: not with the
  // page, which shows its text without it, but once a chart is on the screen, or, after the reader has started to
  // scroll, once a chart comes within a screen of the window; then every chart of the page is drawn. A reader who
  // has not scrolled is reading the first screen: it stays responsive, with no chart to draw off screen.
  var BUNDLE = new URL("vendor/vega-bundle.js", document.currentScript.src).href;
  function loadVegaNearTheCharts(then) {
    var charts = document.querySelectorAll(".mw-vega");
    if (!charts.length) return;
    var loaded = false;
    function load() {
      if (loaded) return;
      loaded = true;
      charts.forEach(function (el) { el.dataset.chartStatus = "loading"; });
      var script = document.createElement("script");
      script.src = BUNDLE;
      script.onload = then;
      script.onerror = function () {
        charts.forEach(function (el) {
          el.dataset.chartStatus = "failed";
          el.textContent = "This chart could not be drawn: the chart library did not load.";
        });
      };
      document.head.appendChild(script);
    }
    if (!("IntersectionObserver" in window)) return load();
    var watchers = [];
    function watch(margin) {
      var watcher = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          watchers.forEach(function (w) { w.disconnect(); });
          load();
        }
      }, { rootMargin: margin });
      watchers.push(watcher);
      charts.forEach(function (el) { watcher.observe(el); });
    }
    watch("0px");
    window.addEventListener("scroll", function () { if (!loaded) watch("100% 0px"); }, { once: true, passive: true });
  }

  function start() {
    loadVegaNearTheCharts(draw);
    new MutationObserver(draw).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(drawSoon);
      document.querySelectorAll(".mw-vega").forEach(function (el) { observer.observe(el); });
    } else {
      window.addEventListener("resize", drawSoon);
    }
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) query.addEventListener("change", draw);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
