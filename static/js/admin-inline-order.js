/* One-step reordering of an inline's saved rows, from the keyboard too (issue 18, item 21).
 *
 * django-admin-sortable2 offers dragging and "move to first/last position" on
 * <i> elements that only a mouse can use. This adds "Move up" and "Move down"
 * buttons to every saved row of each sortable inline, numbers the rows' order
 * fields as sortable2 does after a drag, keeps the focus on the button pressed
 * and announces the move in the page's live region. The texts come from the
 * page (json_script "change-form-messages"), in the editor's language.
 */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const config = document.getElementById("change-form-messages");
  if (!config) return;
  const messages = JSON.parse(config.textContent);
  const status = document.getElementById("inline-order-status");

  function savedRows(fieldset) {
    const table = fieldset.querySelector("table tbody");
    return table
      ? [...table.querySelectorAll(":scope > tr.has_original")]
      : [...fieldset.querySelectorAll(":scope > .inline-related.has_original")];
  }

  // As sortable2's InlineSortable.onEnd: 1, 2, 3... in page order (n...1 when reversed).
  function renumber(fieldset) {
    const rows = savedRows(fieldset);
    const reversed = fieldset.classList.contains("reversed");
    rows.forEach((row, index) => {
      const order = row.querySelector("input._reorder_");
      if (order) order.value = String(reversed ? rows.length - index : index + 1);
    });
  }

  // The first row cannot go up nor the last down; aria-disabled (not disabled) keeps the focus.
  function updateButtons(fieldset) {
    const rows = savedRows(fieldset);
    rows.forEach((row, index) => {
      const up = row.querySelector("button.move-up");
      const down = row.querySelector("button.move-down");
      if (up) up.setAttribute("aria-disabled", String(index === 0));
      if (down) down.setAttribute("aria-disabled", String(index === rows.length - 1));
    });
  }

  function announce(text) {
    if (!status) return;
    // Emptied first, so that the same sentence twice is read twice.
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function move(fieldset, row, step, button) {
    const rows = savedRows(fieldset);
    const from = rows.indexOf(row);
    const to = from + step;
    if (from < 0 || to < 0 || to >= rows.length) return;
    if (step < 0) rows[to].before(row);
    else rows[to].after(row);
    renumber(fieldset);
    updateButtons(fieldset);
    // Moving the row took the focus from its button: give it back.
    button.focus();
    button.scrollIntoView({ block: "nearest" });
    const prefix = fieldset.closest(".js-inline-admin-formset").id.replace(/-group$/, "");
    const template = messages.moved[prefix] || "";
    announce(template.replace("{old}", String(from + 1)).replace("{new}", String(to + 1)));
  }

  function makeButton(className, label, text) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    button.setAttribute("aria-label", label);
    button.title = label;
    button.textContent = text;
    return button;
  }

  function addButtons(fieldset) {
    for (const row of savedRows(fieldset)) {
      const place = row.querySelector("td.original") || row.querySelector("h3");
      if (!place || place.querySelector(".inline-order")) continue;
      const group = document.createElement("span");
      group.className = "inline-order";
      const up = makeButton("move-up", messages.moveUp, "↑");
      const down = makeButton("move-down", messages.moveDown, "↓");
      up.addEventListener("click", () => {
        if (up.getAttribute("aria-disabled") !== "true") move(fieldset, row, -1, up);
      });
      down.addEventListener("click", () => {
        if (down.getAttribute("aria-disabled") !== "true") move(fieldset, row, 1, down);
      });
      group.append(up, down);
      place.append(group);
    }
    updateButtons(fieldset);
    // A drag (sortable2) changes the order too: keep the first and last buttons right.
    const list = fieldset.querySelector("table tbody") || fieldset;
    new MutationObserver(() => updateButtons(fieldset)).observe(list, { childList: true });
  }

  document.querySelectorAll("fieldset.sortable").forEach(addButtons);
});
