// Building the console's screens. Text goes in as text (textContent, text nodes), never parsed
// as HTML: names and addresses come from the public forms.

export const $ = (id) => document.getElementById(id);

// h("td", { class: "code" }, "K7QM", child): an element with its attributes and children.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "on") Object.entries(value).forEach(([name, fn]) => node.addEventListener(name, fn));
    else if (key === "class") node.className = value;
    else if (value === true) node.setAttribute(key, "");
    else if (value !== false && value != null) node.setAttribute(key, value);
  }
  node.append(...nodes(children));
  return node;
}

// What a screen shows in ``node`` instead of what it had (children as h() takes them).
export function setChildren(node, ...children) {
  node.replaceChildren(...nodes(children));
}

// Children as given to h(): nodes, text, nested lists; null and false are left out.
function nodes(children) {
  return children.flat(Infinity).filter((child) => child != null && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}

// A table of rows (arrays of cells: text or nodes) under a header; "none" when there are none.
export function table(headers, rows, empty = "None.") {
  if (!rows.length) return h("p", { class: "muted" }, empty);
  return h("table", { class: "lists" },
    h("thead", {}, h("tr", {}, headers.map((name) => h("th", {}, name)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))));
}

// A status line: an element or its id, in red for an error.
export function say(target, text, isError = false) {
  const node = typeof target === "string" ? $(target) : target;
  node.textContent = text;
  node.className = isError ? "error" : "";
}

// What the API said about field ``name``: its message, then the field's own problems.
export function problemText(error, name) {
  const problems = error.fields && error.fields[name] != null ? [error.fields[name]].flat() : [];
  return problems.length ? `${error.reason} (${problems.join(" ")})` : error.reason;
}

// An API error next to each field it names (``find(name)``: that input, else none); earlier
// ones go. Returns whether any field was found. ``sayFields(container, null)`` only clears.
export function sayFields(container, error,
  find = (name) => container.querySelector(`[name="${CSS.escape(name)}"]`)) {
  for (const old of container.querySelectorAll(".field-error")) old.remove();
  let found = false;
  for (const name of Object.keys((error && error.fields) || {})) {
    const input = find(name);
    if (!input) continue;
    (input.closest("label") || input.parentElement).append(
      h("span", { class: "field-error error", "data-field": name }, problemText(error, name)));
    found = true;
  }
  return found;
}

// For Leaflet's tooltips, which take HTML.
export function escapeText(value) {
  const span = document.createElement("span");
  span.textContent = value == null ? "" : String(value);
  return span.innerHTML;
}
