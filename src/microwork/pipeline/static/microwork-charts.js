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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
