// The one pager of the console's paged lists: "Previous", where we are, "Next", under a list
// read from a paginated endpoint (app/core/pagination.py: page, per_page, total, pages). The
// screen keeps its own request and status line; the pager only turns pages and says where we
// are. console.html holds an empty <nav class="row pager" id="..."> where each one stands.
import { h } from "./dom.js";

// pager(node, turn): fills ``node`` with the pager; ``turn(page)`` loads that page and shows
// the answer with ``show(result)``. Returns { page, show(result), clear() }.
export function pager(node, turn) {
  const state = { page: 1, pages: 1, busy: false };
  const go = async (page) => {
    if (state.busy || page < 1 || page > state.pages) return;
    state.busy = true;  // a second click while the first page loads is not a second turn
    node.setAttribute("aria-busy", "true");
    try {
      await turn(page);
    } finally {
      state.busy = false;
      node.removeAttribute("aria-busy");
    }
  };
  const back = h("button", { type: "button", class: "link", "data-pager": "back",
    on: { click: () => go(state.page - 1) } }, "Previous");
  const where = h("span", { class: "muted", "data-pager": "count", "aria-live": "polite" });
  const next = h("button", { type: "button", class: "link", "data-pager": "next",
    on: { click: () => go(state.page + 1) } }, "Next");
  node.replaceChildren(back, where, next);
  node.hidden = true;

  return {
    get page() { return state.page; },
    // The answer of a list endpoint: one page or none shows no pager.
    show({ page, per_page: perPage, pages, total, items }) {
      Object.assign(state, { page, pages });
      const first = (page - 1) * perPage + 1;
      where.textContent = items.length
        ? `Page ${page} of ${pages} (${first}–${first + items.length - 1} of ${total})`
        : `Page ${page} of ${pages}`;
      // A key that turned to the last (or first) page keeps its focus on the pager.
      const focused = document.activeElement;
      back.disabled = page <= 1;
      next.disabled = page >= pages;
      if (focused === next && next.disabled) back.focus();
      if (focused === back && back.disabled) next.focus();
      node.hidden = pages <= 1;
    },
    clear() {
      Object.assign(state, { page: 1, pages: 1 });
      node.hidden = true;
    },
  };
}
