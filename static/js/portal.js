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
    directoryFilter();
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

  // The directory's name filter: the form works without JavaScript; this
  // filters as one types and keeps the counts true.
  function directoryFilter() {
    var form = document.querySelector("[data-directory-filter]");
    if (!form) { return; }
    var input = form.querySelector("input[name=name]");
    var counter = document.querySelector("[data-directory-count]");
    function apply() {
      var text = input.value.trim().toLowerCase();
      var total = 0;
      document.querySelectorAll("[data-directory-group]").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("[data-directory-item]").forEach(function (item) {
          var match = !text || item.getAttribute("data-names").indexOf(text) !== -1;
          item.hidden = !match;
          if (match) { shown += 1; }
        });
        group.hidden = shown === 0;
        group.querySelector("[data-group-count]").textContent = String(shown);
        total += shown;
      });
      counter.textContent = total === 1
        ? counter.getAttribute("data-template-one")
        : counter.getAttribute("data-template-many").replace("__count__", String(total));
    }
    input.addEventListener("input", apply);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
