// The SOQL subset the simulated Salesforce server understands (and the connector uses):
//   SELECT f, Rel.f, … FROM Object [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n]
//   cond: (cond) | NOT cond | cond AND cond | cond OR cond
//         | f =|!=|<>|<|<=|>|>= literal | f [NOT] IN (literal, …) | f [NOT] LIKE 'pattern'
//   literal: 'string' (backslash escapes), number, true/false, null, date 2024-01-31,
//            datetime 2024-01-31T12:00:00Z / …+01:00 / ….000+0000
// Reference: SOQL and SOSL Reference, "SOQL SELECT Syntax", "Quoted String Escape Sequences",
// "Date Formats and Date Literals" — https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/
// Tests only; never bundled into the extension.

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number };

export type Cond =
  | { op: 'and' | 'or'; left: Cond; right: Cond }
  | { op: 'not'; cond: Cond }
  | { op: 'cmp'; field: string; cmp: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { op: 'in'; field: string; negate: boolean; values: Literal[] }
  | { op: 'like'; field: string; negate: boolean; pattern: string };

export interface Query {
  fields: string[];
  from: string;
  where?: Cond;
  orderBy: { field: string; desc: boolean; nullsLast: boolean }[];
  limit?: number;
}

export class SoqlError extends Error {
  constructor(
    message: string,
    readonly errorCode = 'MALFORMED_QUERY',
  ) {
    super(message);
  }
}

type Tok = { t: 'ident' | 'string' | 'number' | 'op' | 'punct' | 'date' | 'datetime'; v: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= q.length) throw new SoqlError('unterminated string literal');
        const d = q[i];
        if (d === '\\') {
          const e = q[i + 1];
          const map: Record<string, string> = {
            n: '\n',
            r: '\r',
            t: '\t',
            b: '\b',
            f: '\f',
            '"': '"',
            "'": "'",
            '\\': '\\',
            _: '\\_',
            '%': '\\%',
          };
          if (e === undefined || !(e in map)) throw new SoqlError(`invalid escape sequence \\${e ?? ''}`);
          s += map[e];
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          s += d;
          i++;
        }
      }
      out.push({ t: 'string', v: s });
    } else if (/\d/.test(c) || (c === '-' && /\d/.test(q[i + 1] ?? ''))) {
      const m = /^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})/.exec(q.slice(i));
      if (m) {
        out.push({ t: 'datetime', v: m[0] });
        i += m[0].length;
        continue;
      }
      const d = /^\d{4}-\d{2}-\d{2}(?![\w:])/.exec(q.slice(i));
      if (d) {
        out.push({ t: 'date', v: d[0] });
        i += d[0].length;
        continue;
      }
      const n = /^-?\d+(\.\d+)?/.exec(q.slice(i));
      out.push({ t: 'number', v: n![0] });
      i += n![0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(q.slice(i))!;
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      const m = /^(<=|>=|!=|<>|=|<|>)/.exec(q.slice(i));
      if (!m) throw new SoqlError(`unexpected character '${c}'`);
      out.push({ t: 'op', v: m[0] === '<>' ? '!=' : m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export function parseDateTime(v: string): number {
  const norm = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(norm);
  if (Number.isNaN(ms)) throw new SoqlError(`invalid datetime ${v}`);
  return ms;
}

export function parseSoql(q: string): Query {
  const toks = tokenize(q);
  let p = 0;
  const peek = () => toks[p];
  const kw = (w: string) => peek()?.t === 'ident' && peek().v.toUpperCase() === w;
  const expectKw = (w: string) => {
    if (!kw(w)) throw new SoqlError(`expected ${w} near '${peek()?.v ?? 'end of query'}'`);
    p++;
  };
  const punct = (v: string) => peek()?.t === 'punct' && peek().v === v;
  const ident = () => {
    const t = peek();
    if (t?.t !== 'ident') throw new SoqlError(`expected a field name near '${t?.v ?? 'end of query'}'`);
    p++;
    return t.v;
  };

  expectKw('SELECT');
  const fields = [ident()];
  while (punct(',')) {
    p++;
    fields.push(ident());
  }
  expectKw('FROM');
  const from = ident();

  const literal = (): Literal => {
    const t = peek();
    if (!t) throw new SoqlError('expected a value');
    p++;
    if (t.t === 'string') return { kind: 'string', value: t.v };
    if (t.t === 'number') return { kind: 'number', value: Number(t.v) };
    if (t.t === 'date') return { kind: 'date', value: t.v };
    if (t.t === 'datetime') return { kind: 'datetime', value: parseDateTime(t.v) };
    if (t.t === 'ident' && /^(true|false)$/i.test(t.v)) return { kind: 'bool', value: t.v.toLowerCase() === 'true' };
    if (t.t === 'ident' && /^null$/i.test(t.v)) return { kind: 'null' };
    throw new SoqlError(`unexpected token '${t.v}' where a value was expected`);
  };

  const primary = (): Cond => {
    if (punct('(')) {
      p++;
      const c = orExpr();
      if (!punct(')')) throw new SoqlError("expected ')'");
      p++;
      return c;
    }
    if (kw('NOT')) {
      p++;
      return { op: 'not', cond: primary() };
    }
    const field = ident();
    let negate = false;
    if (kw('NOT')) {
      p++;
      negate = true;
    }
    if (kw('IN')) {
      p++;
      if (!punct('(')) throw new SoqlError("expected '(' after IN");
      p++;
      const values = [literal()];
      while (punct(',')) {
        p++;
        values.push(literal());
      }
      if (!punct(')')) throw new SoqlError("expected ')'");
      p++;
      return { op: 'in', field, negate, values };
    }
    if (kw('LIKE')) {
      p++;
      const v = literal();
      if (v.kind !== 'string') throw new SoqlError('LIKE needs a string');
      return { op: 'like', field, negate, pattern: v.value };
    }
    if (negate) throw new SoqlError('expected IN or LIKE after NOT');
    const t = peek();
    if (t?.t !== 'op') throw new SoqlError(`expected an operator after ${field}`);
    p++;
    return { op: 'cmp', field, cmp: t.v as '=' | '!=' | '<' | '<=' | '>' | '>=', value: literal() };
  };
  const andExpr = (): Cond => {
    let left = primary();
    while (kw('AND')) {
      p++;
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Cond => {
    let left = andExpr();
    while (kw('OR')) {
      p++;
      left = { op: 'or', left, right: andExpr() };
    }
    return left;
  };

  const query: Query = { fields, from, orderBy: [] };
  if (kw('WHERE')) {
    p++;
    query.where = orExpr();
  }
  if (kw('ORDER')) {
    p++;
    expectKw('BY');
    for (;;) {
      const field = ident();
      let desc = false;
      if (kw('ASC')) p++;
      else if (kw('DESC')) {
        p++;
        desc = true;
      }
      let nullsLast = desc;
      if (kw('NULLS')) {
        p++;
        if (kw('FIRST')) nullsLast = false;
        else if (kw('LAST')) nullsLast = true;
        else throw new SoqlError('expected FIRST or LAST after NULLS');
        p++;
      }
      query.orderBy.push({ field, desc, nullsLast });
      if (!punct(',')) break;
      p++;
    }
  }
  if (kw('LIMIT')) {
    p++;
    const t = peek();
    if (t?.t !== 'number') throw new SoqlError('expected a number after LIMIT');
    p++;
    query.limit = Number(t.v);
  }
  if (p < toks.length) throw new SoqlError(`unexpected token '${toks[p].v}'`);
  return query;
}

/** All field paths a condition reads. */
export function condFields(c: Cond | undefined): string[] {
  if (!c) return [];
  if (c.op === 'and' || c.op === 'or') return [...condFields(c.left), ...condFields(c.right)];
  if (c.op === 'not') return condFields(c.cond);
  if (c.op === 'cmp' || c.op === 'in' || c.op === 'like') return [c.field];
  return [];
}

type Value = string | number | boolean | null | undefined;

function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      re += pattern[i + 1];
      i++;
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

function compare(a: Value, lit: Literal, kindOf: (v: Value) => 'datetime' | 'date' | 'other'): number | null {
  if (lit.kind === 'null') return a == null ? 0 : null;
  if (a == null) return null;
  if (lit.kind === 'datetime' || kindOf(a) === 'datetime') {
    const av = typeof a === 'string' ? parseDateTime(a) : Number(a);
    const bv = lit.kind === 'datetime' ? lit.value : lit.kind === 'string' || lit.kind === 'date' ? parseDateTime(String(lit.value)) : NaN;
    return av === bv ? 0 : av < bv ? -1 : 1;
  }
  if (lit.kind === 'number') return Number(a) === lit.value ? 0 : Number(a) < lit.value ? -1 : 1;
  if (lit.kind === 'bool') return a === lit.value ? 0 : 1;
  const as = String(a).toLowerCase();
  const bs = String(lit.value).toLowerCase();
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/** Evaluates a condition for one row; `get` resolves a field path ('Owner.Name') to a value. */
export function evalCond(c: Cond, get: (field: string) => Value, kindOf: (field: string) => 'datetime' | 'date' | 'other'): boolean {
  switch (c.op) {
    case 'and':
      return evalCond(c.left, get, kindOf) && evalCond(c.right, get, kindOf);
    case 'or':
      return evalCond(c.left, get, kindOf) || evalCond(c.right, get, kindOf);
    case 'not':
      return !evalCond(c.cond, get, kindOf);
    case 'in': {
      const v = get(c.field);
      const hit = c.values.some((lit) => compare(v, lit, () => kindOf(c.field)) === 0);
      return c.negate ? !hit : hit;
    }
    case 'like': {
      const v = get(c.field);
      const hit = v != null && likeToRegExp(c.pattern).test(String(v));
      return c.negate ? !hit : hit;
    }
    case 'cmp': {
      const v = get(c.field);
      if (c.value.kind === 'null') return c.cmp === '=' ? v == null : c.cmp === '!=' ? v != null : false;
      const r = compare(v, c.value, () => kindOf(c.field));
      if (c.cmp === '!=') return r !== 0;
      if (r === null) return false;
      switch (c.cmp) {
        case '=':
          return r === 0;
        case '<':
          return r < 0;
        case '<=':
          return r <= 0;
        case '>':
          return r > 0;
        case '>=':
          return r >= 0;
      }
    }
  }
  return false;
}
