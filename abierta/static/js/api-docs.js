// The API documentation (/api/v1/docs): Swagger UI, vendored under vendor/swagger-ui, with the
// settings the page carries as JSON (no inline script, so the Content-Security-Policy holds).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  SwaggerUIBundle(config);
})();
