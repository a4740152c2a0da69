"""Shared browser-side measurements (run in the page) and readable failure reports."""

from urllib.parse import parse_qs, urlsplit

import pytest

# Replaces the print dialog (which would block the test) by a counter.
STUB_PRINT = "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"

# A short, human-readable CSS path for an element, e.g. "main > p.note:nth-of-type(2)".
_DESCRIBE = """
function describe(el) {
  const parts = [];
  for (let node = el; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
    let part = node.localName;
    if (node.id) { parts.unshift(part + "#" + node.id); break; }
    const classes = [...node.classList].slice(0, 2);
    if (classes.length) part += "." + classes.join(".");
    const parent = node.parentElement;
    if (parent) {
      const same = [...parent.children].filter((c) => c.localName === node.localName);
      if (same.length > 1) part += ":nth-of-type(" + (same.indexOf(node) + 1) + ")";
    }
    parts.unshift(part);
  }
  return parts.join(" > ");
}
function isRendered(el) {
  const style = getComputedStyle(el);
  if (style.visibility !== "visible" || style.display === "none") return false;
  const rect = el.getBoundingClientRect();
  return el.getClientRects().length > 0 && rect.width > 0 && rect.height > 0;
}
function isOnPage(el) {
  // Inside the document's area (the unfocused skip link sits above it, out of sight).
  const rect = el.getBoundingClientRect();
  return rect.bottom + scrollY > 0 && rect.right + scrollX > 0;
}
function shortText(el) {
  return (el.innerText || el.textContent || el.getAttribute("aria-label") || "")
    .replace(/\\s+/g, " ").trim().slice(0, 60);
}
"""

# WCAG 2 contrast of every visible element that carries text of its own. The background is the
# first non-transparent background-color among the element and its ancestors (semi-transparent
# layers are composited), over white at the root.
CONTRAST_JS = (
    "(minimum) => {"
    + _DESCRIBE
    + """
  function parse(value) {
    const match = /^rgba?\\(([^)]*)\\)$/.exec(value.trim());
    if (!match) return null;
    const parts = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }
  function over(top, bottom) {
    const a = top.a + bottom.a * (1 - top.a);
    const mix = (t, b) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
  }
  function luminance(c) {
    const channel = (v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  }
  const css = (c) => `rgb(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)})`;
  function background(el) {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color && color.a > 0) {
        layers.push(color);
        if (color.a >= 1) break;
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  }
  const failures = [];
  let checked = 0;
  for (const el of document.body.querySelectorAll("*")) {
    if (["script", "style", "noscript", "template"].includes(el.localName)) continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText || !isRendered(el) || !isOnPage(el)) continue;
    checked += 1;
    const style = getComputedStyle(el);
    const parsed = parse(style.color);
    if (!parsed) {
      failures.push({ element: describe(el), text: shortText(el), color: style.color,
                      background: "?", ratio: 0 });
      continue;
    }
    const back = background(el);
    const fore = over(parsed, back);
    const [light, dark] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    if (ratio < minimum) {
      failures.push({ element: describe(el), text: shortText(el), color: css(fore),
                      background: css(back), ratio: Math.round(ratio * 100) / 100 });
    }
  }
  return { checked, failures };
}"""
)

# Visible controls smaller than the minimum target size (in CSS px).
CONTROL_SIZE_JS = (
    "(minimum) => {"
    + _DESCRIBE
    + """
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
  const offenders = [];
  let checked = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (!isRendered(el)) continue;
    if (el.matches(".skip-link") && !isOnPage(el)) continue;
    checked += 1;
    const rect = el.getBoundingClientRect();
    if (rect.width < minimum - 0.01 || rect.height < minimum - 0.01) {
      offenders.push({ element: describe(el), text: shortText(el),
                       width: Math.round(rect.width * 10) / 10,
                       height: Math.round(rect.height * 10) / 10 });
    }
  }
  return { checked, offenders };
}"""
)

# Horizontal overflow of the document, with the elements that stick out to the right.
OVERFLOW_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const wide = [];
  if (scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      if (!isRendered(el)) continue;
      const rect = el.getBoundingClientRect();
      if (rect.right + scrollX > width + 0.5) {
        wide.push(describe(el) + ` (right edge ${Math.round(rect.right + scrollX)} px)`);
      }
    }
  }
  return { width, scrollWidth, wide: wide.slice(0, 10) };
}"""
)

# The focused element, and whether a focus indicator is drawn around it.
FOCUS_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__tabbed = window.__tabbed || [];
  const seen = window.__tabbed.includes(el);
  if (!seen) window.__tabbed.push(el);
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  return { element: describe(el), text: shortText(el), seen, indicator: outline || shadow,
           outline: `${style.outlineStyle} ${style.outlineWidth}`, boxShadow: style.boxShadow };
}"""
)

# Visible links and buttons that tabbing never reached (after FOCUS_JS has recorded the walk).
UNREACHED_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const tabbed = window.__tabbed || [];
  return [...document.querySelectorAll("a[href], button:not([hidden])")]
    .filter((el) => isRendered(el) && !tabbed.includes(el))
    .map((el) => describe(el) + ` "${shortText(el)}"`);
}"""
)

# Computed font size and line height of the body text in <main>, keyed by a stable identity.
BODY_TEXT_JS = (
    "() => {"
    + _DESCRIBE
    + """
  const result = {};
  for (const el of document.querySelectorAll("main p, main li, main dd")) {
    if (!isRendered(el)) continue;
    const key = el.id ? "#" + el.id : el.localName + ": " + shortText(el).slice(0, 40);
    const style = getComputedStyle(el);
    result[key] = { element: describe(el), fontSize: parseFloat(style.fontSize),
                    lineHeight: style.lineHeight };
  }
  return result;
}"""
)


def format_axe_violations(violations):
    """A readable report of axe-core violations: rule, impact, help, and every node."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation.get('impact')}] {violation['id']}: {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", []):
            lines.append(f"    target: {', '.join(map(str, node.get('target', [])))}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n        ")
            lines.append(f"        {summary}")
    return "\n".join(lines)


def format_rows(rows, keys):
    return "\n".join("    " + ", ".join(f"{key}={row[key]!r}" for key in keys) for row in rows)


def horizontal_scroll_problem(page, where):
    """None, or why the page scrolls sideways."""
    result = page.evaluate(OVERFLOW_JS)
    if result["scrollWidth"] <= result["width"]:
        return None
    return (
        f"{where}: horizontal scrolling, document is {result['scrollWidth']} px wide in a "
        f"{result['width']} px viewport; elements sticking out:\n    "
        + "\n    ".join(result["wide"])
    )


def control_size_problem(page, where, minimum=44):
    """None, or the visible controls smaller than minimum x minimum CSS px."""
    result = page.evaluate(CONTROL_SIZE_JS, minimum)
    if not result["checked"]:
        return f"{where}: no visible controls found"
    if not result["offenders"]:
        return None
    return (
        f"{where}: {len(result['offenders'])} control(s) smaller than {minimum}x{minimum} px:\n"
        + format_rows(result["offenders"], ["element", "text", "width", "height"])
    )


def contrast_problem(page, where, minimum):
    """None, or the visible text elements whose contrast is below minimum:1."""
    result = page.evaluate(CONTRAST_JS, minimum)
    if not result["checked"]:
        return f"{where}: no visible text found"
    if not result["failures"]:
        return None
    return (
        f"{where}: {len(result['failures'])} of {result['checked']} text element(s) below "
        f"{minimum}:1 contrast:\n"
        + format_rows(result["failures"], ["element", "text", "color", "background", "ratio"])
    )


def fail_on(*problems):
    """Fail with every problem found (None meaning no problem), without repeating them."""
    found = [problem for problem in problems if problem]
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def query(url):
    """The query string of url as a dict of single values."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def path_of(url):
    return urlsplit(url).path
