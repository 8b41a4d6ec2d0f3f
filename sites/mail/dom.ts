// DOM helpers of the webmail parsers: structural visibility, and a text reader that behaves like
// `innerText` without needing layout (jsdom has neither layout nor innerText). Selector specs and
// the missing-element error are the sites' common toolkit (sites/common/selector-spec.ts).
import { tidyText } from '../../capture/text';

const HIDING_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)/i;

/**
 * Whether `el` is hidden, decided *structurally*: it or an ancestor (up to, not including,
 * `stopAt`) has the `hidden` attribute, `aria-hidden="true"`, or an inline style with
 * `display:none` / `visibility:hidden`.
 *
 * Why structural: the parsers must be pure and run the same under jsdom (no layout, no computed
 * CSS from class rules) and in the browser. Gmail hides previously opened conversations with an
 * inline `display: none` on their container, which this catches. Hiding done only through class
 * rules of a style sheet is not seen; the content-script driver may add a layout check
 * (`checkVisibility()`) on top when it runs in a real page.
 */
export function isStructurallyHidden(el: Element, stopAt?: Element | null): boolean {
  for (let e: Element | null = el; e && e !== stopAt; e = e.parentElement) {
    if (e.hasAttribute('hidden')) return true;
    if (e.getAttribute('aria-hidden') === 'true') return true;
    const style = e.getAttribute('style');
    if (style && HIDING_STYLE.test(style)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Text extraction

const SKIP_TAGS = new Set(['script', 'style', 'head', 'template', 'noscript', 'title', 'meta', 'link', 'svg', 'button']);
const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
]);

/** Where a piece of message text belongs, as decided from the message's own HTML. */
export type TextRegion = 'body' | 'quote' | 'signature';

/** Classifies an element of a message body: starts a quote, is a signature, or neither. */
export type RegionClassifier = (el: Element) => TextRegion | null;

/** Text of each region plus the http(s) links found outside the quoted part. */
export interface RegionText {
  body: string;
  quote: string;
  signature: string;
  links: string[];
}

/**
 * Reads an element's text the way `innerText` would lay it out (block elements and `<br>` make
 * line breaks, runs of white space collapse), split into regions by `classify`: once an element
 * classified as `quote` is met, everything after it in document order is quoted text (Outlook puts
 * the quoted message *after* its `divRplyFwdMsg` header, not inside it); an element classified as
 * `signature` sends its own subtree to the signature.
 */
export function readRegions(root: Element, classify: RegionClassifier = () => null): RegionText {
  const bufs: Record<TextRegion, string[]> = { body: [], quote: [], signature: [] };
  const links: string[] = [];
  let inQuote = false;

  const last = (buf: string[]): string => (buf.length ? buf[buf.length - 1] : '');
  const newline = (buf: string[]) => {
    const tail = last(buf);
    if (buf.length && !tail.endsWith('\n')) buf.push('\n');
  };

  const addText = (raw: string, target: TextRegion, pre: boolean) => {
    let t = raw;
    if (!pre) {
      t = t.replace(/[\t\n\r\f ]+/g, ' ');
      const buf = bufs[target];
      // Collapse a space against a preceding space or line start.
      if (t.startsWith(' ') && (!buf.length || /[ \n]$/.test(last(buf)))) t = t.slice(1);
    }
    if (t) bufs[target].push(t);
  };

  const walk = (node: Node, region: TextRegion, pre: boolean) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      const target = inQuote ? 'quote' : region;
      const type = child.nodeType;
      if (type === 3) {
        addText(child.nodeValue ?? '', target, pre);
        continue;
      }
      if (type !== 1) continue;
      const el = child as Element;
      const tag = el.localName;
      if (SKIP_TAGS.has(tag)) continue;
      if (tag === 'br') {
        bufs[target].push('\n');
        continue;
      }
      let sub: TextRegion = region;
      if (!inQuote) {
        const kind = classify(el);
        if (kind === 'quote') inQuote = true;
        else if (kind === 'signature') sub = 'signature';
      }
      const dest = inQuote ? 'quote' : sub;
      if (tag === 'a' && !inQuote) {
        const href = el.getAttribute('href');
        if (href && /^https?:\/\//i.test(href) && links.length < 100) links.push(href);
      }
      const block = BLOCK_TAGS.has(tag);
      if (block) newline(bufs[dest]);
      if (tag === 'td' || tag === 'th') {
        const buf = bufs[dest];
        if (buf.length && !/[\s]$/.test(last(buf))) buf.push(' ');
      }
      // A leaf element's text in one call (fewer DOM calls: the walk's cost in jsdom).
      if (el.firstElementChild === null) addText(el.textContent ?? '', dest, pre || tag === 'pre');
      else walk(el, sub, pre || tag === 'pre');
      const after = inQuote ? 'quote' : sub;
      if (block) {
        newline(bufs[after]);
        if (tag === 'p') bufs[after].push('\n');
      }
    }
  };
  walk(root, 'body', false);
  return {
    body: tidyText(bufs.body.join('')),
    quote: tidyText(bufs.quote.join('')),
    signature: tidyText(bufs.signature.join('')),
    links,
  };
}

/** Plain text of an element (see `readRegions`), without region splitting. */
export function readText(root: Element): string {
  return readRegions(root).body;
}

/** Short, stable, non-cryptographic hash (FNV-1a, 32 bit) as 8 hex digits: for synthesized ids. */
export function stableHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
