// Draw the book's charts with the Vega bundle served by the site itself (no network).
(function () {
  function draw() {
    document.querySelectorAll(".mw-vega").forEach(function (el) {
      var spec;
      try {  // one unreadable spec must not stop the other charts of the page
        spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
      } catch (error) {
        el.dataset.chartStatus = "failed";
        el.textContent = "This chart could not be drawn: its specification is unreadable.";
        console.error(error);
        return;
      }
      el.dataset.chartStatus = "drawing";
      window.vegaEmbed(el, spec, { renderer: "svg", actions: false })
        .then(function () {
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
    });
  }
  // How the Vega bundle (about 300 KB gzipped) gets loaded: not with the page, which shows its text without it, but
  // once the first chart comes within about a screen of the window; then every chart of the page is drawn.
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
    var watcher = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        watcher.disconnect();
        load();
      }
    }, { rootMargin: "100% 0px" });
    charts.forEach(function (el) { watcher.observe(el); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { loadVegaNearTheCharts(draw); });
  } else {
    loadVegaNearTheCharts(draw);
  }
})();
