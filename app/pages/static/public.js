// What the public pages (events, sign-ups, volunteer forms) share: building elements and
// calling /api/v1/public/ with the project's error shape.
(function (scope) {
  "use strict";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    node.append(...children);
    return node;
  }

  async function call(method, path, body) {
    const response = await fetch(path, { method, headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || `Error ${response.status}`);
      error.fields = data.error && data.error.fields;
      throw error;
    }
    return data;
  }

  scope.DoorstepPublic = { el, call };
})(window);
