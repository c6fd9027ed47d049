// Starts Redoc (web/static/vendor/redoc) on the API reference page (web/templates/api/docs.html):
// the document's address comes from the page (data-spec-url), so the page needs no inline
// script under its Content-Security-Policy.
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  if (!element || typeof Redoc === "undefined") {
    return;
  }
  Redoc.init(element.getAttribute("data-spec-url"), {
    // the system's fonts: nothing is loaded from another site
    theme: { typography: { fontFamily: "system-ui, sans-serif",
                           headings: { fontFamily: "system-ui, sans-serif" },
                           code: { fontFamily: "ui-monospace, monospace" } } },
    expandResponses: "200,201",
    jsonSampleExpandLevel: 3,
    sortPropsAlphabetically: false,
    hideHostname: true
  }, element);
}());
