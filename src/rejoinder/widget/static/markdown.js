// A preview of the Markdown subset the server renders (paragraphs, emphasis, strong, links,
// quotes, lists, inline code). Builds DOM nodes only; the server's rendering is what is stored.
import { h } from "./dom.js";

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/;

function inline(text) {
  const out = [];
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, match.index));
    const token = match[0];
    if (match[1]) out.push(h("code", null, token.slice(1, -1)));
    else if (match[2]) out.push(h("strong", null, inline(token.slice(2, -2))));
    else if (match[3]) out.push(h("em", null, inline(token.slice(1, -1))));
    else {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
      out.push(
        /^https?:\/\//i.test(href)
          ? h("a", { href, rel: "nofollow ugc noopener", target: "_blank" }, inline(label))
          : token,
      );
    }
    rest = rest.slice(match.index + token.length);
  }
  return out;
}

function lines(block) {
  const parts = [];
  block.split("\n").forEach((line, i) => {
    if (i) parts.push(h("br"));
    parts.push(inline(line));
  });
  return parts;
}

export function preview(source) {
  const root = document.createDocumentFragment();
  for (const block of source.trim().split(/\n\s*\n/)) {
    const rows = block.split("\n");
    if (rows.every((r) => /^\s*>/.test(r))) {
      const inner = rows.map((r) => r.replace(/^\s*>\s?/, "")).join("\n");
      root.append(h("blockquote", null, h("p", null, lines(inner))));
    } else if (rows.every((r) => /^\s*[-*]\s+/.test(r))) {
      root.append(h("ul", null, rows.map((r) => h("li", null, inline(r.replace(/^\s*[-*]\s+/, ""))))));
    } else if (rows.every((r) => /^\s*\d+[.)]\s+/.test(r))) {
      root.append(h("ol", null, rows.map((r) => h("li", null, inline(r.replace(/^\s*\d+[.)]\s+/, ""))))));
    } else if (block.trim()) {
      root.append(h("p", null, lines(block)));
    }
  }
  return root;
}

/** Back from the server's rendering to the Markdown subset, to prefill an edit. */
export function toMarkdown(root) {
  const inlineText = (node) =>
    Array.from(node.childNodes)
      .map((child) => {
        if (child.nodeType === Node.TEXT_NODE) return child.textContent;
        if (child.nodeType !== Node.ELEMENT_NODE) return "";
        const inner = inlineText(child);
        switch (child.tagName) {
          case "STRONG":
          case "B":
            return `**${inner}**`;
          case "EM":
          case "I":
            return `*${inner}*`;
          case "CODE":
            return "`" + child.textContent + "`";
          case "A":
            return `[${inner}](${child.getAttribute("href") || ""})`;
          case "BR":
            return "\n";
          default:
            return inner;
        }
      })
      .join("");
  const blocks = [];
  for (const child of root.children) {
    if (child.tagName === "BLOCKQUOTE") {
      const text = Array.from(child.children).map(inlineText).join("\n\n") || inlineText(child);
      blocks.push(text.split("\n").map((line) => "> " + line).join("\n"));
    } else if (child.tagName === "UL" || child.tagName === "OL") {
      const ordered = child.tagName === "OL";
      blocks.push(
        Array.from(child.children)
          .map((li, i) => (ordered ? `${i + 1}. ` : "- ") + inlineText(li).trim())
          .join("\n"),
      );
    } else {
      blocks.push(inlineText(child));
    }
  }
  return blocks.length ? blocks.join("\n\n") : root.textContent;
}
