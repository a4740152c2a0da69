/* Unsaved edits on the department's change form are never lost unnoticed (issue 18, item 13).
 *
 * Leaving the page with changes asks the browser's "leave site?" question;
 * saving does not. The Publish link publishes the saved draft, so while the
 * form differs from it the link does not navigate and says why: the editor
 * saves first, or uses "Save and publish". Texts come from the page
 * (json_script "change-form-messages"), in the editor's language.
 */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const config = document.getElementById("change-form-messages");
  const form = document.querySelector("#content-main form[method=post]");
  if (!config || !form) return;
  const messages = JSON.parse(config.textContent);

  // Everything the form would send, as text; the template row of each inline left out.
  function state() {
    const values = [];
    for (const field of form.elements) {
      const name = field.name;
      if (!name || name.includes("__prefix__") || name === "csrfmiddlewaretoken") continue;
      // SelectFilter's box of available choices: its selection is not sent.
      if (name.endsWith("_old")) continue;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) values.push([name, field.value]);
      } else if (field.type === "file") {
        for (const file of field.files) values.push([name, file.name, file.size]);
      } else if (field.type === "submit" || field.type === "button") {
        continue;
      } else if (field.multiple) {
        // SelectFilter's chosen box sends all its options when the form is submitted.
        const chosen = field.classList.contains("filtered") && field.id.endsWith("_to");
        for (const option of field.options) {
          if (chosen || option.selected) values.push([name, option.value]);
        }
      } else {
        values.push([name, field.value]);
      }
    }
    return JSON.stringify(values);
  }

  let saved = null;
  let submitting = false;
  const isDirty = () => saved !== null && state() !== saved;
  // After every script's own "load" work (SelectFilter, sortable2, translation tabs).
  window.addEventListener("load", () => window.setTimeout(() => { saved = state(); }, 0));

  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (submitting || !isDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });
  // Back from a submission the browser kept in its history: the form is live again.
  window.addEventListener("pageshow", () => { submitting = false; });

  for (const link of document.querySelectorAll("a[data-publishes-saved-draft]")) {
    link.addEventListener("click", (event) => {
      if (!isDirty()) return;
      event.preventDefault();
      let note = document.getElementById("unsaved-changes-note");
      if (!note) {
        note = document.createElement("p");
        note.id = "unsaved-changes-note";
        note.className = "errornote unsaved-changes-note";
        note.setAttribute("role", "alert");
        note.tabIndex = -1;
        form.prepend(note);
      }
      note.textContent = messages.unsavedPublish;
      note.focus();
    });
  }
});
