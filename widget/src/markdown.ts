// Safe, limited formatting for message text: paragraphs, line breaks, **bold**, [links](url),
// bare URLs and "-"/"1." lists. Everything is built with createElement + textContent, so
// markup in a message (e.g. <img src=x onerror=…>) is shown as text, never parsed.

const SAFE_PROTOCOLS = ["http:", "https:", "mailto:", "tel:"];
const INLINE = /\*\*([^*]+?)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])/g;
const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

/** The URL if it is absolute and uses a harmless protocol, else null. */
export function safeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw, location.href);
    return SAFE_PROTOCOLS.indexOf(url.protocol) >= 0 ? url.href : null;
  } catch {
    return null;
  }
}

export function link(href: string, label: string): HTMLAnchorElement {
  const a = document.createElement("a");
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer nofollow";
  a.textContent = label;
  return a;
}

function inline(text: string, into: Node): void {
  let last = 0;
  INLINE.lastIndex = 0;
  for (let m = INLINE.exec(text); m; m = INLINE.exec(text)) {
    if (m.index > last) into.appendChild(document.createTextNode(text.slice(last, m.index)));
    if (m[1] !== undefined) {
      const strong = document.createElement("strong");
      strong.textContent = m[1];
      into.appendChild(strong);
    } else {
      const href = safeUrl(m[3] !== undefined ? m[3] : m[4]);
      const label = m[2] !== undefined ? m[2] : m[4];
      into.appendChild(href ? link(href, label) : document.createTextNode(m[0]));
    }
    last = INLINE.lastIndex;
  }
  if (last < text.length) into.appendChild(document.createTextNode(text.slice(last)));
}

/** Render message text into a fragment of <p>, <ul>/<ol>, <strong>, <a> and <br> only. */
export function renderText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let paragraph: HTMLElement | null = null;
  let list: HTMLElement | null = null;
  for (const line of String(text || "").split(/\r?\n/)) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? "UL" : "OL";
      if (!list || list.tagName !== tag) {
        list = document.createElement(tag);
        fragment.appendChild(list);
      }
      const item = document.createElement("li");
      inline((bullet || numbered)![1], item);
      list.appendChild(item);
      paragraph = null;
    } else if (!line.trim()) {
      paragraph = null;
      list = null;
    } else {
      list = null;
      if (paragraph) paragraph.appendChild(document.createElement("br"));
      else {
        paragraph = document.createElement("p");
        fragment.appendChild(paragraph);
      }
      inline(line, paragraph);
    }
  }
  return fragment;
}
