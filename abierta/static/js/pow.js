/* Proof of work for the public forms that carry data-pow (abierta/core/pow.py).
   Finds n such that SHA-256(challenge + ":" + n) starts with at least `bits` zero bits and writes n
   into the hidden "pow" field. Without this script (or without crypto.subtle) the form still works:
   the server then asks for a short wait instead. No data leaves the page. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow]");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    return;
  }
  var challengeField = form.querySelector("input[name=challenge]");
  var powField = form.querySelector("input[name=pow]");
  var status = document.getElementById("pow-status");
  var challenge = challengeField ? challengeField.value : "";
  var bits = parseInt(challenge.split(".")[3], 10);
  if (!powField || !challenge || !(bits >= 0 && bits <= 32)) {
    return;
  }
  var encoder = new TextEncoder();
  var BATCH = 256;
  var solved = false;
  var sendWhenSolved = false;

  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) {
        count += 8;
        continue;
      }
      var b = bytes[i];
      while ((b & 0x80) === 0) {
        count += 1;
        b <<= 1;
      }
      return count;
    }
    return count;
  }

  function batch(start) {
    var work = [];
    for (var i = 0; i < BATCH; i++) {
      work.push(window.crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + (start + i))));
    }
    return Promise.all(work).then(function (digests) {
      for (var j = 0; j < digests.length; j++) {
        if (zeroBits(new Uint8Array(digests[j])) >= bits) {
          return start + j;
        }
      }
      return batch(start + BATCH);
    });
  }

  form.addEventListener("submit", function (event) {
    if (!solved) {
      event.preventDefault();
      sendWhenSolved = true;
      if (status) {
        status.textContent = status.getAttribute("data-working") || "";
      }
    }
  });

  batch(0).then(function (n) {
    powField.value = String(n);
    solved = true;
    if (sendWhenSolved) {
      form.submit();
    }
  }).catch(function () {
    /* Leave the field empty: the server falls back to the short wait. */
    solved = true;
  });
})();
