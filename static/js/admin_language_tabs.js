// modeltranslation's tabbed admin labels each tab (and each option of its language switch)
// with the language code, "en" or "zh-hans", shown in capitals. This names each language as
// its own readers write it ("English", "简体中文"), the way language choosers do, whatever
// the admin's language. The names come from the browser (Intl.DisplayNames), not from us.
(function () {
  "use strict";

  var CODE = /^[a-z]{2,3}([-_][a-z0-9]+)*$/i;

  function ownName(code) {
    var tag = code.replace(/_/g, "-");
    try {
      var name = new Intl.DisplayNames([tag], { type: "language" }).of(tag);
      return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
    } catch (error) {
      return null;
    }
  }

  function rename(element) {
    var code = element.textContent.trim();
    if (element.hasAttribute("data-language") || !CODE.test(code)) {
      return;
    }
    var name = ownName(code);
    if (name) {
      element.setAttribute("data-language", code);
      element.setAttribute("lang", code.replace(/_/g, "-"));
      element.textContent = name;
    }
  }

  function renameAll() {
    document
      .querySelectorAll(".ui-tabs-nav a, #modeltranslation-main-switch option")
      .forEach(rename);
  }

  function start() {
    renameAll();
    // Rows added with "Add another" get their tabs later, from modeltranslation's handlers.
    new MutationObserver(renameAll).observe(document.body, { childList: true, subtree: true });
  }

  // modeltranslation builds the tabs in a jQuery ready handler; one registered after it
  // (this file loads after modeltranslation's) runs after it.
  window.django.jQuery(start);
})();
