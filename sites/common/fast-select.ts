// A small selector matcher for the simple selectors the site parsers use, so that the parsers are
// fast under jsdom too (its selector engine walks the whole tree for every document-wide query;
// browsers are fast either way). Supported: type, #id, .class, [attr], [attr=v],
// [attr^=v], [attr$=v], [attr*=v], [attr~=v], [attr|=v] (with an optional ` i` flag), :first-child,
// :last-child, :not(<simple compounds>), descendant and child combinators, and selector lists.
// Anything else returns `null` from `compileSelector`, and callers fall back to the native
// `querySelectorAll`. Results equal the native ones (same elements, document order); a unit test
// checks that on every fixture for every selector in the site selector files.

interface AttrTest {
  name: string;
  op: '' | '=' | '^=' | '$=' | '*=' | '~=' | '|=';
  value: string;
  ci: boolean;
}
interface Compound {
  tag?: string;
  ids: string[];
  classes: string[];
  attrs: AttrTest[];
  firstChild: boolean;
  lastChild: boolean;
  not: Compound[];
}
interface Complex {
  /** Left to right. */
  compounds: Compound[];
  /** combinators[i] joins compounds[i] and compounds[i + 1]. */
  combinators: (' ' | '>')[];
}
export type CompiledSelector = Complex[];

const cache = new Map<string, CompiledSelector | null>();

/** Compiles a selector (list) into matchers; `null` when it uses anything unsupported. */
export function compileSelector(selector: string): CompiledSelector | null {
  const hit = cache.get(selector);
  if (hit !== undefined) return hit;
  let result: CompiledSelector | null;
  try {
    result = new Parser(selector).parseList();
  } catch {
    result = null;
  }
  cache.set(selector, result);
  return result;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseList(): CompiledSelector | null {
    const out: Complex[] = [];
    for (;;) {
      this.ws();
      const cx = this.parseComplex();
      if (!cx) return null;
      out.push(cx);
      this.ws();
      if (this.i >= this.s.length) return out;
      if (this.s[this.i] !== ',') return null;
      this.i++;
    }
  }

  private parseComplex(): Complex | null {
    const compounds: Compound[] = [];
    const combinators: (' ' | '>')[] = [];
    const first = this.parseCompound();
    if (!first) return null;
    compounds.push(first);
    for (;;) {
      const hadWs = this.ws();
      const c = this.s[this.i];
      if (c === undefined || c === ',' || c === ')') return { compounds, combinators };
      let comb: ' ' | '>';
      if (c === '>') {
        this.i++;
        this.ws();
        comb = '>';
      } else if (c === '+' || c === '~') {
        return null;
      } else if (hadWs) {
        comb = ' ';
      } else {
        return null;
      }
      const next = this.parseCompound();
      if (!next) return null;
      combinators.push(comb);
      compounds.push(next);
    }
  }

  private parseCompound(): Compound | null {
    const cp: Compound = { ids: [], classes: [], attrs: [], firstChild: false, lastChild: false, not: [] };
    let any = false;
    const tag = /^(?:\*|[a-zA-Z][\w-]*)/.exec(this.s.slice(this.i));
    if (tag) {
      if (tag[0] !== '*') cp.tag = tag[0].toLowerCase();
      this.i += tag[0].length;
      any = true;
    }
    for (;;) {
      const c = this.s[this.i];
      if (c === '#') {
        this.i++;
        cp.ids.push(this.ident());
      } else if (c === '.') {
        this.i++;
        cp.classes.push(this.ident());
      } else if (c === '[') {
        this.i++;
        cp.attrs.push(this.attr());
      } else if (c === ':') {
        const rest = this.s.slice(this.i);
        if (rest.startsWith(':first-child')) {
          cp.firstChild = true;
          this.i += 12;
        } else if (rest.startsWith(':last-child')) {
          cp.lastChild = true;
          this.i += 11;
        } else if (rest.startsWith(':not(')) {
          this.i += 5;
          for (;;) {
            this.ws();
            const inner = this.parseCompound();
            if (!inner) throw new Error('unsupported :not');
            cp.not.push(inner);
            this.ws();
            if (this.s[this.i] === ',') {
              this.i++;
              continue;
            }
            if (this.s[this.i] !== ')') throw new Error('unsupported :not');
            this.i++;
            break;
          }
        } else {
          return null;
        }
      } else {
        break;
      }
      any = true;
    }
    return any ? cp : null;
  }

  private ident(): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') {
        out += this.s[this.i + 1] ?? '';
        this.i += 2;
      } else if (/[\w-]/.test(c) || c.charCodeAt(0) > 127) {
        out += c;
        this.i++;
      } else break;
    }
    if (!out) throw new Error('empty identifier');
    return out;
  }

  private attr(): AttrTest {
    this.ws();
    const name = /^[\w:-]+/.exec(this.s.slice(this.i));
    if (!name) throw new Error('attribute name');
    this.i += name[0].length;
    this.ws();
    let op: AttrTest['op'] = '';
    let value = '';
    let ci = false;
    const m = /^(=|\^=|\$=|\*=|~=|\|=)/.exec(this.s.slice(this.i));
    if (m) {
      op = m[1] as AttrTest['op'];
      this.i += m[1].length;
      this.ws();
      const q = this.s[this.i];
      if (q === '"' || q === "'") {
        const end = this.s.indexOf(q, this.i + 1);
        if (end < 0) throw new Error('unterminated string');
        value = this.s.slice(this.i + 1, end);
        if (value.includes('\\')) throw new Error('escapes in strings unsupported');
        this.i = end + 1;
      } else {
        value = this.ident();
      }
      this.ws();
      if (/^[iI](?![\w-])/.test(this.s.slice(this.i))) {
        ci = true;
        this.i++;
        this.ws();
      }
    }
    if (this.s[this.i] !== ']') throw new Error('attribute end');
    this.i++;
    return { name: name[0].toLowerCase(), op, value, ci };
  }

  private ws(): boolean {
    const start = this.i;
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
    return this.i > start;
  }
}

// ---------------------------------------------------------------------------------------------
// Matching

function classList(el: Element): string[] {
  const cls = el.getAttribute('class');
  return cls ? cls.split(/[\t\n\f\r ]+/) : [];
}

function matchAttr(el: Element, a: AttrTest): boolean {
  const v = el.getAttribute(a.name);
  if (v === null) return false;
  if (a.op === '') return true;
  const hay = a.ci ? v.toLowerCase() : v;
  const needle = a.ci ? a.value.toLowerCase() : a.value;
  switch (a.op) {
    case '=':
      return hay === needle;
    case '^=':
      return needle !== '' && hay.startsWith(needle);
    case '$=':
      return needle !== '' && hay.endsWith(needle);
    case '*=':
      return needle !== '' && hay.includes(needle);
    case '~=':
      return needle !== '' && !/\s/.test(needle) && hay.split(/\s+/).includes(needle);
    case '|=':
      return hay === needle || hay.startsWith(`${needle}-`);
  }
}

function matchCompound(el: Element, cp: Compound, quirks: boolean): boolean {
  if (cp.tag && el.localName !== cp.tag) return false;
  if (cp.ids.length) {
    const id = el.getAttribute('id');
    if (id === null) return false;
    // Ids compare exactly (as jsdom does, and as getElementById does, even in quirks mode).
    for (const want of cp.ids) if (id !== want) return false;
  }
  if (cp.classes.length) {
    const list = classList(el);
    for (const want of cp.classes) {
      if (quirks ? !list.some((c) => c.toLowerCase() === want.toLowerCase()) : !list.includes(want)) return false;
    }
  }
  for (const a of cp.attrs) if (!matchAttr(el, a)) return false;
  if (cp.firstChild && el.previousElementSibling) return false;
  if (cp.lastChild && el.nextElementSibling) return false;
  for (const n of cp.not) if (matchCompound(el, n, quirks)) return false;
  return true;
}

function matchComplexAt(el: Element, cx: Complex, idx: number, quirks: boolean): boolean {
  if (!matchCompound(el, cx.compounds[idx], quirks)) return false;
  if (idx === 0) return true;
  const comb = cx.combinators[idx - 1];
  if (comb === '>') {
    const p = el.parentElement;
    return !!p && matchComplexAt(p, cx, idx - 1, quirks);
  }
  for (let a = el.parentElement; a; a = a.parentElement) {
    if (matchComplexAt(a, cx, idx - 1, quirks)) return true;
  }
  return false;
}

/** Whether `el` matches the compiled selector (the same as `el.matches(selector)`). */
export function matchesCompiled(el: Element, compiled: CompiledSelector): boolean {
  const quirks = el.ownerDocument?.compatMode === 'BackCompat';
  for (const cx of compiled) if (matchComplexAt(el, cx, cx.compounds.length - 1, quirks)) return true;
  return false;
}

/**
 * Descendants of `root` matching `compiled`, in document order (the same as
 * `root.querySelectorAll(selector)`); stops after `limit` matches.
 */
export function selectCompiled(root: ParentNode, compiled: CompiledSelector, limit = Infinity): Element[] {
  const out: Element[] = [];
  const doc = (root as Node).nodeType === 9 ? (root as Document) : (root as Node).ownerDocument;
  const quirks = doc?.compatMode === 'BackCompat';
  const stack: Element[] = [];
  for (let c = (root as ParentNode).lastElementChild; c; c = c.previousElementSibling) stack.push(c);
  while (stack.length) {
    const el = stack.pop()!;
    for (const cx of compiled) {
      if (matchComplexAt(el, cx, cx.compounds.length - 1, quirks)) {
        out.push(el);
        if (out.length >= limit) return out;
        break;
      }
    }
    for (let c = el.lastElementChild; c; c = c.previousElementSibling) stack.push(c);
  }
  return out;
}
