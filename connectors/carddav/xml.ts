// A small namespace-aware XML reader for WebDAV multistatus answers, and an escaper for request bodies.
// The background service worker has no DOMParser, so the connector cannot lean on the platform; this reads
// elements, attributes (for xmlns only), text, CDATA, character/entity references, and skips comments,
// processing instructions and DOCTYPE. It is not a validating parser: malformed input throws.

export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  /** Local name. */
  name: string;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export const DAV_NS = 'DAV:';
export const CARDDAV_NS = 'urn:ietf:params:xml:ns:carddav';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[ref] ?? m;
  });
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

interface Frame {
  el: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

/** Parses a document and returns its root element. Throws on malformed markup. */
export function parseXml(input: string): XmlElement {
  const s = input.replace(/^\ufeff/, '');
  const root: XmlElement = { ns: '', name: '#document', children: [], text: '' };
  const stack: Frame[] = [{ el: root, qname: '', scope: new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]) }];
  let i = 0;
  const n = s.length;
  const top = () => stack[stack.length - 1];

  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      top().el.text += decodeEntities(s.slice(i));
      break;
    }
    if (lt > i) top().el.text += decodeEntities(s.slice(i, lt));
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      if (end < 0) throw new Error('XML: unterminated comment');
      i = end + 3;
    } else if (s.startsWith('<![CDATA[', lt)) {
      const end = s.indexOf(']]>', lt + 9);
      if (end < 0) throw new Error('XML: unterminated CDATA');
      top().el.text += s.slice(lt + 9, end);
      i = end + 3;
    } else if (s.startsWith('<?', lt)) {
      const end = s.indexOf('?>', lt + 2);
      if (end < 0) throw new Error('XML: unterminated processing instruction');
      i = end + 2;
    } else if (s.startsWith('<!', lt)) {
      // DOCTYPE (without an internal subset containing '>'; WebDAV servers don't send one)
      const end = s.indexOf('>', lt + 2);
      if (end < 0) throw new Error('XML: unterminated declaration');
      i = end + 1;
    } else if (s[lt + 1] === '/') {
      const end = s.indexOf('>', lt + 2);
      if (end < 0) throw new Error('XML: unterminated end tag');
      const qname = s.slice(lt + 2, end).trim();
      const frame = stack.pop();
      if (!frame || frame.qname !== qname || stack.length === 0) throw new Error(`XML: unexpected </${qname}>`);
      i = end + 1;
    } else {
      // start tag: scan to the closing '>' outside quotes
      let j = lt + 1;
      let quote = '';
      for (; j < n; j++) {
        const c = s[j];
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      if (j >= n) throw new Error('XML: unterminated start tag');
      let body = s.slice(lt + 1, j);
      const selfClosing = body.endsWith('/');
      if (selfClosing) body = body.slice(0, -1);
      const m = /^([^\s/>]+)/.exec(body);
      if (!m) throw new Error('XML: empty tag name');
      const qname = m[1];
      const scope = new Map(top().scope);
      const attrRe = /([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
      let a: RegExpExecArray | null;
      const rest = body.slice(qname.length);
      while ((a = attrRe.exec(rest))) {
        const key = a[1];
        const value = decodeEntities(a[3] ?? a[4] ?? '');
        if (key === 'xmlns') scope.set('', value);
        else if (key.startsWith('xmlns:')) scope.set(key.slice(6), value);
      }
      const colon = qname.indexOf(':');
      const prefix = colon >= 0 ? qname.slice(0, colon) : '';
      const local = colon >= 0 ? qname.slice(colon + 1) : qname;
      const ns = scope.get(prefix);
      if (ns === undefined && prefix) throw new Error(`XML: undeclared prefix ${prefix}`);
      const el: XmlElement = { ns: ns ?? '', name: local, children: [], text: '' };
      top().el.children.push(el);
      if (!selfClosing) stack.push({ el, qname, scope });
      i = j + 1;
    }
  }
  if (stack.length !== 1) throw new Error(`XML: unclosed <${top().qname}>`);
  const docEl = root.children[0];
  if (!docEl) throw new Error('XML: no root element');
  return docEl;
}

export function child(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.ns === ns && c.name === name);
}

export function childrenOf(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.ns === ns && c.name === name) : [];
}

/** Depth-first search for the first descendant with that name. */
export function find(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) {
    if (c.ns === ns && c.name === name) return c;
    const deep = find(c, ns, name);
    if (deep) return deep;
  }
  return undefined;
}

/** All text inside an element (its own and its descendants'). */
export function textOf(el: XmlElement | undefined): string {
  if (!el) return '';
  return el.text + el.children.map(textOf).join('');
}
