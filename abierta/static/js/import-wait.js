/* The page of a web import that waits or runs (templates/includes/import_progress.html): every 3 s
   it reads the same page again and updates the progress in place; once the import has ended, it
   loads the page with its report. No timed refresh of the whole page (a <meta http-equiv=refresh>
   fails WCAG 2.2.1), and without this script the page still works: its "Reload now" link. */
(function () {
  "use strict";
  var section = document.querySelector("[data-import-wait]");
  if (!section || !window.fetch || !window.DOMParser) {
    return;
  }
  var EVERY = 3000;

  function check() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-import-wait]");
        if (!fresh) {
          window.location.reload();
          return;
        }
        if (fresh.innerHTML !== section.innerHTML) {
          section.innerHTML = fresh.innerHTML; // announced politely (role=status) only when it changed
        }
        window.setTimeout(check, EVERY);
      })
      .catch(function () {
        window.setTimeout(check, EVERY * 5);
      });
  }

  window.setTimeout(check, EVERY);
})();
