// Progressive enhancement: the page reads fully without this script.
(function () {
  "use strict";

  function openedBySite() {
    try {
      return Boolean(window.opener) && window.opener.location.origin === window.location.origin;
    } catch (error) {
      // Reading another site's location throws: that site opened us, not ours.
      return false;
    }
  }

  function ready() {
    var print = document.querySelector('[data-action="print"]');
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
    // Scripts may only close windows that a script opened, so "Close" is
    // offered only in a window the site opened.
    var close = document.querySelector('[data-action="close"]');
    if (close && openedBySite()) {
      close.hidden = false;
      close.addEventListener("click", function () { window.close(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
