"""What a crawl checks on each page at a phone's viewport, shared by the resident and the staff
crawls: axe-core's serious and critical violations, tap targets under 44 × 44 CSS px, and a page
wider than the viewport. Each returns human-readable findings (empty when the page passes)."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.helpers import AXE

MIN_TARGET = 44
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_IMPACTS = {"serious", "critical"}

# Every visible control one taps. A link inside a sentence is exempt (WCAG 2.5.8's inline
# exception): its size is the text's. A checkbox or radio counts with its label, which is what
# one taps. Hidden inputs, and anything off-screen (a skip link until focused), are not targets.
SMALL_TARGETS_JS = """(min) => {
  const found = [];
  const describe = el => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.type ? '[' + el.type + ']' : ''} "${text}"`;
  };
  const inSentence = el => {
    if (el.tagName !== 'A') return false;
    const block = el.closest('p, dd, td, li, label, small, span.help');
    if (!block) return false;
    const own = (el.innerText || '').trim().length;
    return (block.innerText || '').trim().length > own + 1 && block.tagName !== 'LI';
  };
  const box = el => {
    if ((el.type === 'checkbox' || el.type === 'radio')) {
      const label = el.closest('label')
        || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) {
        const a = el.getBoundingClientRect(), b = label.getBoundingClientRect();
        const top = Math.min(a.top, b.top), bottom = Math.max(a.bottom, b.bottom);
        const left = Math.min(a.left, b.left), right = Math.max(a.right, b.right);
        return {width: right - left, height: bottom - top, left, right};
      }
    }
    return el.getBoundingClientRect();
  };
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (r.right <= 0 || r.left >= document.documentElement.scrollWidth) continue;
    if (inSentence(el)) continue;
    const b = box(el);
    if (b.width < min - 0.5 || b.height < min - 0.5) {
      found.push(`${describe(el)} is ${Math.round(b.width)}×${Math.round(b.height)} px`);
    }
  }
  return found;
}"""


def axe_violations(page: Any) -> list[str]:
    # Evaluated, not a <script> tag: the pages' CSP (rightly) refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"axe {v['id']} ({v['impact']}) {json.dumps([n['target'] for n in v['nodes']][:5])}"
        for v in result["violations"]
        if v["impact"] in AXE_IMPACTS
    ]


def small_targets(page: Any, minimum: int = MIN_TARGET) -> list[str]:
    return [f"tap target {t}" for t in page.evaluate(SMALL_TARGETS_JS, minimum)]


# The widest elements that stick out past the right edge, to say what to fix.
WIDEST_JS = """(view) => [...document.body.querySelectorAll('*')]
  .filter(el => Math.max(el.getBoundingClientRect().right,
                          el.getBoundingClientRect().left + el.scrollWidth) > view + 0.5)
  .filter(el => !el.closest('.table-wrap'))
  .map(el => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`)
  .slice(-3)"""


def overflow(page: Any) -> list[str]:
    wide, view = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if wide <= view:
        return []
    return [f"page is {wide - view} px wider than the viewport: {page.evaluate(WIDEST_JS, view)}"]


def page_findings(page: Any) -> list[str]:
    """All three checks on the page as it is now."""
    return axe_violations(page) + small_targets(page) + overflow(page)
