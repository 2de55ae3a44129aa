// A tiny element builder: h("button", {class: "x", onclick}, "text", child...).
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "html") node.innerHTML = value; // server-sanitised comment HTML only
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) { // nested lists of children ([dt, dd] pairs)
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}
