/* The map of works (progressive enhancement of the list on /obras/).
   Reads the works from the JSON island #works-map-data: [[code, name, latitude, longitude, status], ...]
   and the tile server from the map's data attributes. No inline script: the CSP forbids it. */
(function () {
  "use strict";

  function start() {
    var element = document.getElementById("works-map");
    var island = document.getElementById("works-map-data");
    if (!element || !island || typeof window.L === "undefined") {
      return;
    }
    var points;
    try {
      points = JSON.parse(island.textContent || "[]");
    } catch (e) {
      return;
    }
    var L = window.L;
    element.hidden = false;
    // Cartagena de Indias, when there is nothing to show.
    var map = L.map(element, { scrollWheelZoom: false }).setView([10.4, -75.5], 12);
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 19,
      attribution: element.dataset.attribution || "",
    }).addTo(map);
    var urlTemplate = element.dataset.workUrl || "";
    var bounds = [];
    points.forEach(function (p) {
      var code = p[0], name = p[1], lat = p[2], lon = p[3], status = p[4];
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = urlTemplate.replace("CODE", encodeURIComponent(code));
      link.textContent = name;
      var state = document.createElement("div");
      state.textContent = status;
      popup.appendChild(link);
      popup.appendChild(state);
      L.circleMarker([lat, lon], { radius: 8, color: "#004884", weight: 2, fillColor: "#3366cc", fillOpacity: 0.8 })
        .bindPopup(popup)
        // A text node, never a string: Leaflet puts a string into innerHTML, and names are typed by editors.
        .bindTooltip(document.createTextNode(name))
        .addTo(map);
      bounds.push([lat, lon]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 16);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
