// Site-independent DOM helpers for the page parsers: a selector with its fallbacks (and where each
// was seen), the named error a parser raises when a required element is missing, and a text reader
// that only ever uses `textContent` (never `innerHTML` or `innerText`: pure, works under jsdom, and
// page markup can never turn into markup of ours).
import { compileSelector, matchesCompiled, selectCompiled, type CompiledSelector } from './fast-select';

/** One page element, with the selectors that find it, tried in order (first match wins). */
export interface SelectorSpec {
  /** Field name: used in errors, in `NotCapturable.detail` and in the docs. */
  readonly name: string;
  readonly selectors: readonly string[];
  /** Fixture pages (file names under tests/fixtures/<site>/) or eras where these selectors match. */
  readonly seenIn: readonly string[];
  readonly note?: string;
}

/** A required element or value is missing: names the field and every selector that was tried. */
export class MissingElementError extends Error {
  readonly field: string;
  readonly selectors: readonly string[];
  /** `message` replaces the generated one when the field is there but unusable. */
  constructor(spec: Pick<SelectorSpec, 'name' | 'selectors'>, where?: string, message?: string) {
    super(
      message ??
        `missing required field "${spec.name}"${where ? ` in ${where}` : ''}` +
          (spec.selectors.length ? ` (tried: ${spec.selectors.join(' | ')})` : ''),
    );
    this.name = 'MissingElementError';
    this.field = spec.name;
    this.selectors = spec.selectors;
  }
}

/** Finds up to `limit` elements matching one CSS selector under `root`, in document order. */
export type SelectEngine = (root: ParentNode, selector: string, limit: number) => Element[];

/** The first element matched by the first selector of `spec` that matches anything. */
function firstMatch(root: ParentNode, spec: Pick<SelectorSpec, 'selectors'>, select: SelectEngine): Element | null {
  for (const sel of spec.selectors) {
    const found = select(root, sel, 1);
    if (found.length) return found[0];
  }
  return null;
}

/** All elements matched by the first selector of `spec` that matches anything. */
function allMatches(root: ParentNode, spec: Pick<SelectorSpec, 'selectors'>, select: SelectEngine): Element[] {
  for (const sel of spec.selectors) {
    const found = select(root, sel, Infinity);
    if (found.length) return found;
  }
  return [];
}

/**
 * The spec queries over another selection engine. Sites whose selectors are class compounds (the
 * webmail parsers) use the exported `queryFirst`/`queryAll`/`queryOrFail`, whose engine keeps
 * their content scripts small; LinkedIn, whose selectors need attribute operators and
 * combinators, builds them over the compiled engine (`selectLimited`).
 */
export function specQueries(select: SelectEngine) {
  return {
    queryFirst: (root: ParentNode, spec: Pick<SelectorSpec, 'selectors'>) => firstMatch(root, spec, select),
    queryAll: (root: ParentNode, spec: Pick<SelectorSpec, 'selectors'>) => allMatches(root, spec, select),
  };
}

// A simple compound with a class ("span.gD[email]", ".iA.g6", "div.adn") is answered with
// getElementsByClassName plus checks (jsdom's selector engine walks the whole tree for every
// document-wide query; browsers are fast either way). Anything else goes to querySelector(All).
const CLASS_COMPOUND = /^([a-z][a-z0-9-]*)?((?:\.[\w-]+)+)((?:\[[\w-]+\])*)$/i;
const classCompounds = new Map<string, { tag?: string; classes: string[]; attrs: string[] } | null>();

/** The default engine: class compounds by class lookup, everything else natively. */
export const classCompoundSelect: SelectEngine = (root, selector, limit) => {
  let c = classCompounds.get(selector);
  if (c === undefined) {
    const m = CLASS_COMPOUND.exec(selector.trim());
    c = m ? { tag: m[1]?.toLowerCase(), classes: m[2].slice(1).split('.'), attrs: m[3] ? m[3].slice(1, -1).split('][') : [] } : null;
    classCompounds.set(selector, c);
  }
  const byClass = (root as Partial<Element>).getElementsByClassName;
  if (c && typeof byClass === 'function') {
    const out: Element[] = [];
    const coll = byClass.call(root, c.classes[0]);
    for (let i = 0; i < coll.length && out.length < limit; i++) {
      const el = coll[i];
      if (c.tag && el.localName !== c.tag) continue;
      if (c.classes.length > 1) {
        // The first class found the candidate; check the others against one normalized string.
        const cls = ` ${(el.getAttribute('class') ?? '').replace(/\s+/g, ' ')} `;
        let all = true;
        for (let k = 1; k < c.classes.length && all; k++) all = cls.includes(` ${c.classes[k]} `);
        if (!all) continue;
      }
      if (c.attrs.every((a) => el.hasAttribute(a))) out.push(el);
    }
    return out;
  }
  if (limit === 1) {
    const el = root.querySelector(selector);
    return el ? [el] : [];
  }
  return Array.from(root.querySelectorAll(selector));
};

/** The first element matched by the first selector of `spec` that matches anything. */
export function queryFirst(root: ParentNode, spec: Pick<SelectorSpec, 'selectors'>): Element | null {
  return firstMatch(root, spec, classCompoundSelect);
}

/** All elements matched by the first selector of `spec` that matches anything. */
export function queryAll(root: ParentNode, spec: Pick<SelectorSpec, 'selectors'>): Element[] {
  return allMatches(root, spec, classCompoundSelect);
}

/** Like `queryFirst`, but a missing element throws a `MissingElementError`. */
export function queryOrFail(root: ParentNode, spec: SelectorSpec, where?: string): Element {
  const el = queryFirst(root, spec);
  if (!el) throw new MissingElementError(spec, where);
  return el;
}

/** Single-line text: every run of white space (including no-break and thin spaces) becomes one space. */
export function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/[\s\u00a0\u202f\u2007\u200b\ufeff]+/g, ' ').trim();
}

/** `textContent` of an element as one trimmed line; '' for a missing element. */
export function textOf(el: Node | null | undefined): string {
  return el ? oneLine(el.textContent) : '';
}

/** Cuts `text` to `max` characters (on a code-point boundary). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/** A copy of `obj` without the keys whose value is `undefined` (or '' when `dropEmpty`). */
export function compact<T extends Record<string, unknown>>(obj: T, dropEmpty = true): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || (dropEmpty && v === '')) continue;
    out[k] = v;
  }
  return out as T;
}

// ---------------------------------------------------------------------------------------------
// Fast paths. Native `querySelector` is fast in browsers, but the unit tests run the parsers under
// jsdom, whose selector engine walks the whole tree for every document-wide query. These helpers return exactly what `querySelectorAll` would for the
// simple selectors the parsers use (see fast-select.ts), using `getElementById` and
// `getElementsByTagName` to find candidates when the selector's subject allows it.

const subjectCache = new Map<string, { id?: string; tag?: string } | null>();

/** The single subject compound's leading #id or tag (null for lists or unsupported selectors). */
function subjectOf(selector: string, compiled: CompiledSelector): { id?: string; tag?: string } | null {
  const cached = subjectCache.get(selector);
  if (cached !== undefined) return cached;
  let result: { id?: string; tag?: string } | null = null;
  if (compiled.length === 1) {
    const cx = compiled[0];
    const subject = cx.compounds[cx.compounds.length - 1];
    if (subject.ids.length) result = { id: subject.ids[0] };
    else if (subject.tag) result = { tag: subject.tag };
  }
  subjectCache.set(selector, result);
  return result;
}

/** Tags common enough that a tree walk beats scanning `getElementsByTagName`. */
const BROAD_TAGS = new Set(['div', 'span', 'a', 'li', 'ul', 'p', 'img', 'svg', 'path', 'use', 'code', 'g', 'strong']);

/** The compiled engine (fast-select.ts): what `querySelectorAll` gives, fast under jsdom too. */
export function selectLimited(root: ParentNode, selector: string, limit: number): Element[] {
  const compiled = compileSelector(selector);
  if (!compiled) {
    if (limit === 1) {
      const el = root.querySelector(selector);
      return el ? [el] : [];
    }
    return Array.from(root.querySelectorAll(selector));
  }
  const node = root as Node;
  const doc = node.nodeType === 9 ? (node as Document) : node.ownerDocument;
  const subject = subjectOf(selector, compiled);
  if (subject?.id && doc && (node.nodeType === 9 || node.isConnected)) {
    // getElementById gives the first element with the id in document order: when it is inside
    // `root` and matches, it is the first match. Otherwise (or for all matches) walk, because
    // pages do repeat ids.
    const el = doc.getElementById(subject.id);
    if (!el) return [];
    if (limit === 1 && el !== node && node.contains(el) && matchesCompiled(el, compiled)) return [el];
  }
  if (subject?.tag && !BROAD_TAGS.has(subject.tag) && 'getElementsByTagName' in root) {
    const out: Element[] = [];
    const coll = (root as Element | Document).getElementsByTagName(subject.tag);
    for (let i = 0; i < coll.length && out.length < limit; i++) if (matchesCompiled(coll[i], compiled)) out.push(coll[i]);
    return out;
  }
  return selectCompiled(root, compiled, limit);
}

/** `Array.from(root.querySelectorAll(selector))`, fast for simple selectors. */
export function selectAll(root: ParentNode, selector: string): Element[] {
  return selectLimited(root, selector, Infinity);
}

/** `root.querySelector(selector)`, fast for simple selectors. */
export function selectFirst(root: ParentNode, selector: string): Element | null {
  return selectLimited(root, selector, 1)[0] ?? null;
}

/** Whether `el` carries the class `name` (no DOMTokenList, no selector engine). */
export function hasClass(el: Element, name: string): boolean {
  const cls = el.getAttribute('class');
  if (!cls) return false;
  return ` ${cls.replace(/\s+/g, ' ')} `.includes(` ${name} `);
}

/** `el.matches(selector)`, fast for simple selectors. */
export function elementMatches(el: Element, selector: string): boolean {
  const compiled = compileSelector(selector);
  return compiled ? matchesCompiled(el, compiled) : el.matches(selector);
}

/** `el.closest(selector)`, fast for simple selectors. */
export function closestMatch(el: Element, selector: string): Element | null {
  const compiled = compileSelector(selector);
  if (!compiled) return el.closest(selector);
  for (let e: Element | null = el; e; e = e.parentElement) if (matchesCompiled(e, compiled)) return e;
  return null;
}
