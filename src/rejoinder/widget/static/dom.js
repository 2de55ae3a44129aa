// Building DOM without HTML strings: text always goes through text nodes, never innerHTML.
// The one exception in the widget is a comment's `body_html`, sanitised by the server.

/** h("button", {class: "x", onclick: fn, "aria-label": "…"}, "text", childNode, …) */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

let counter = 0;
/** A unique id inside a shadow root, for label/aria-describedby pairs. */
export const uid = (prefix) => `${prefix}-${++counter}`;

/** Fill "{name} …" placeholders with DOM nodes or text, returning a fragment. */
export function format(template, parts) {
  const out = document.createDocumentFragment();
  let last = 0;
  template.replace(/\{(\w+)\}/g, (match, key, offset) => {
    out.append(template.slice(last, offset));
    const part = parts[key];
    out.append(part instanceof Node ? part : String(part ?? match));
    last = offset + match.length;
    return match;
  });
  out.append(template.slice(last));
  return out;
}
