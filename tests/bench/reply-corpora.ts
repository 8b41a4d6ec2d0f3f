// Reads the four public reply corpora in tests/fixtures/replies/ together with their own expected
// outputs (read from each corpus's test file, never written by hand), runs Rapport's pipeline on
// every case (text corpora: the text rules of capture/quotes.ts; HTML: what the content script
// reads, sites/mail/body.ts, then what the extension side refines, capture/refine.ts) and compares by one rule per corpus (docs/benchmarks.md, "Capture accuracy").
// Shared by `npm run bench:capture-accuracy` and the ratchet in tests/unit/capture/reply-corpora.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import type { MailMessage } from '../../capture/mail';
import { splitMessageText } from '../../capture/quotes';
import { refineMessage } from '../../capture/refine';
import { extractMessageParts } from '../../sites/mail/body';

const ROOT = fileURLToPath(new URL('../fixtures/replies/', import.meta.url));
const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');

/** The one comparison rule: runs of whitespace (line breaks included) count as one space; ends trimmed. */
export const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

interface Case {
  name: string;
  /** Size of the input in characters (to find the largest case). */
  size: number;
  /** Runs Rapport's splitter; returns the text compared with the expectation. */
  run: () => string;
  check: (actual: string) => boolean;
}

export interface CorpusResult {
  corpus: string;
  rule: string;
  passed: number;
  total: number;
  failed: string[];
  largest: { name: string; size: number; run: () => string };
}

// -- Python / Ruby string literals -------------------------------------------------------------

/** Reads one string literal (optional u/r/b prefix; '…', "…", '''…''', """…""") at `pos`. */
function readLiteral(src: string, pos: number): { value: string; end: number } | null {
  let i = pos;
  let raw = false;
  while (/[uUbBrR]/.test(src[i] ?? '')) {
    if (/[rR]/.test(src[i])) raw = true;
    i++;
  }
  const q = src[i];
  if (q !== '"' && q !== "'") return null;
  const triple = src.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  i += close.length;
  let out = '';
  while (i < src.length) {
    if (src.startsWith(close, i)) return { value: out, end: i + close.length };
    const c = src[i];
    if (c === '\\' && !raw) {
      const n = src[i + 1];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '', '0': '\0', a: '\x07' };
      if (n in simple) {
        out += simple[n];
        i += 2;
      } else if (n === 'x' || n === 'u') {
        const len = n === 'x' ? 2 : 4;
        out += String.fromCharCode(parseInt(src.slice(i + 2, i + 2 + len), 16));
        i += 2 + len;
      } else {
        out += c + n;
        i += 2;
      }
      continue;
    }
    if (!triple && c === '\n') return null;
    out += c;
    i++;
  }
  return null;
}

/** Reads adjacent literals, optionally inside parentheses (Python's implicit concatenation). */
function readLiterals(src: string, pos: number): { value: string; end: number } | null {
  let i = pos;
  const skip = () => {
    while (/\s/.test(src[i] ?? '')) i++;
  };
  skip();
  const paren = src[i] === '(';
  if (paren) i++;
  let value = '';
  let found = false;
  let end = i;
  for (;;) {
    skip();
    const lit = readLiteral(src, i);
    if (!lit) break;
    value += lit.value;
    found = true;
    i = end = lit.end;
  }
  if (!found) return null;
  if (!paren) return { value, end };
  {
    skip();
    if (src[i] !== ')') return null;
    i++;
  }
  return { value, end: i };
}

/** Top-level test functions of a Python or Ruby test file, with their decorators. */
function testBlocks(src: string): string[] {
  const blocks: string[] = [];
  let decorators = '';
  for (const b of src.split(/\n(?=[ \t]*(?:@|def ))/)) {
    if (/^\s*@/.test(b)) decorators += `${b}\n`;
    else {
      blocks.push(decorators + b);
      decorators = '';
    }
  }
  return blocks.filter((b) => /def test_/.test(b));
}

// -- github/email_reply_parser and zapier/email-reply-parser -----------------------------------

/** Rapport's reply: the body, without quote and without signature (both parsers hide signatures). */
const replyWithoutSignature = (text: string) => splitMessageText(text).body;

function githubCases(): Case[] {
  const src = read('github-email_reply_parser/test/email_reply_parser_test.rb');
  const cases: Case[] = [];
  for (const block of testBlocks(src)) {
    const file = /join\("([\w.-]+)\.txt"\)/.exec(block)?.[1];
    const at = block.search(/assert_equal\s+"/);
    if (!file || at < 0) continue;
    const lit = readLiterals(block, block.indexOf('"', at));
    if (!lit || !/^,\s*EmailReplyParser\.parse_reply\(body\)/.test(block.slice(lit.end))) continue;
    const text = read('github-email_reply_parser/test/emails', `${file}.txt`);
    const expected = normalise(lit.value);
    cases.push({ name: file, size: text.length, run: () => replyWithoutSignature(text), check: (a) => normalise(a) === expected });
  }
  return cases;
}

function zapierCases(): Case[] {
  const src = read('zapier-email-reply-parser/test/test_email_reply_parser.py');
  const cases: Case[] = [];
  for (const block of testBlocks(src)) {
    const file = /test\/emails\/([\w.-]+)\.txt|get_email\('([\w.-]+)'\)/.exec(block);
    if (!file) continue;
    const name = file[1] ?? file[2];
    const checks: ((a: string) => boolean)[] = [];
    const REPLY = /^\s*(?:EmailReplyParser\.parse_reply\(|message\.reply\b)/;
    // assertEqual(<literal>, <reply>) and assertEqual(message.reply.strip(), <literal>)
    for (const m of block.matchAll(/assertEqual\(\s*/g)) {
      const from = m.index + m[0].length;
      const lit = readLiterals(block, from);
      if (lit && block[lit.end] === ',' && REPLY.test(block.slice(lit.end + 1))) {
        const e = normalise(lit.value);
        checks.push((a) => normalise(a) === e);
      } else if (block.startsWith('message.reply.strip(),', from)) {
        const l2 = readLiterals(block, from + 'message.reply.strip(),'.length);
        if (l2) checks.push((a) => normalise(a) === normalise(l2.value));
      }
    }
    // assertTrue(<literal> in <reply>) / assertTrue(<literal> not in <reply>)
    for (const m of block.matchAll(/assertTrue\(\s*/g)) {
      const lit = readLiterals(block, m.index + m[0].length);
      if (!lit) continue;
      const rest = /^\s+(not\s+)?in\b/.exec(block.slice(lit.end));
      if (!rest || !REPLY.test(block.slice(lit.end + rest[0].length))) continue;
      const needle = normalise(lit.value);
      checks.push(rest[1] ? (a) => !normalise(a).includes(needle) : (a) => normalise(a).includes(needle));
    }
    if (!checks.length) continue;
    const text = read('zapier-email-reply-parser/test/emails', `${name}.txt`);
    cases.push({ name, size: text.length, run: () => replyWithoutSignature(text), check: (a) => checks.every((c) => c(a)) });
  }
  return cases;
}

// -- mailgun/talon -------------------------------------------------------------------------------

/** Talon's extract_from_plain removes the quote only: Rapport's body and signature together. */
const replyKeepingSignature = (text: string) => splitMessageText(text, { signature: false }).body;

function decodePart(headers: string, body: string): string {
  const charset = /charset="?([\w-]+)/i.exec(headers)?.[1] ?? 'utf-8';
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (encoding === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    bytes = Buffer.from(
      soft.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
  } else bytes = Buffer.from(body, 'latin1');
  return new TextDecoder(charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset).decode(bytes);
}

/** The first text/plain part of a message, decoded (what talon's test reads). */
export function plainTextOf(eml: string): string {
  const split = (s: string) => {
    const at = s.search(/\r?\n\r?\n/);
    return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at).replace(/^\r?\n\r?\n/, '')];
  };
  const [headers, body] = split(eml);
  const boundary = /boundary="?([^";\s]+)"?/i.exec(headers)?.[1];
  if (!boundary) return decodePart(headers, body);
  for (const part of body.split(`--${boundary}`)) {
    const [h, b] = split(part.replace(/^\r?\n/, ''));
    if (/content-type:\s*text\/plain/i.test(h)) return decodePart(h, b);
  }
  return '';
}

function talonCases(): Case[] {
  const cases: Case[] = [];
  const dir = 'mailgun-talon/standard_replies';
  for (const f of readdirSync(join(ROOT, dir)).sort()) {
    if (!f.endsWith('.eml')) continue;
    const text = plainTextOf(read(dir, f));
    let expected = 'Hello';
    try {
      expected = read(dir, f.replace(/\.eml$/, '_reply_text')).trim();
    } catch {
      // no *_reply_text file: talon's test expects "Hello"
    }
    const e = normalise(expected);
    cases.push({
      name: `standard_replies/${f}`,
      size: text.length,
      run: () => replyKeepingSignature(text),
      check: (a) => normalise(a) === e,
    });
  }
  const src = read('mailgun-talon/text_quotations_test.py');
  // Helpers such as _check_pattern_original_message(x): a template body, `.format(x)`, one expectation.
  const helpers = new Map<string, { template: string; expected: string }>();
  for (const block of src.split(/\n(?=def )/)) {
    const def = /^def (_\w+)\(\w+\):/.exec(block);
    const assign = /\n\s+msg_body = /.exec(block);
    const call = /eq_\(\s*/.exec(block);
    if (!def || !assign || !call) continue;
    const template = readLiterals(block, assign.index + assign[0].length);
    const expected = readLiterals(block, call.index + call[0].length);
    if (template && expected && /^,\s*quotations\.extract_from_plain\(\s*msg_body\.format\(/.test(block.slice(expected.end)))
      helpers.set(def[1], { template: template.value, expected: expected.value });
  }
  const add = (name: string, text: string, expected: string) => {
    const e = normalise(expected);
    cases.push({ name, size: text.length, run: () => replyKeepingSignature(text), check: (a) => normalise(a) === e });
  };
  for (const block of testBlocks(src)) {
    // Decorated tests change talon's settings (e.g. MAX_LINES_COUNT): not a statement about the input alone.
    if (/^\s*@/.test(block)) continue;
    const name = /def (test_\w+)/.exec(block)![1];
    let k = 0;
    const label = () => (++k === 1 ? name : `${name}#${k}`);
    // Statements in order: `var = <literal>` and `eq_(<literal or var>, quotations.extract_from_plain(<literal or var>))`.
    const vars = new Map<string, string>();
    const STATEMENT = /\n\s+(\w+) = |eq_\(\s*|\n\s+(_check_\w+)\(/g;
    for (let m = STATEMENT.exec(block); m; m = STATEMENT.exec(block)) {
      const at = m.index + m[0].length;
      if (m[1]) {
        const lit = readLiterals(block, at);
        if (lit && /^\s*\n/.test(block.slice(lit.end))) vars.set(m[1], lit.value);
        else vars.delete(m[1]);
        continue;
      }
      if (m[2]) {
        const h = helpers.get(m[2]);
        const arg = readLiterals(block, at);
        if (h && arg) add(label(), h.template.replace('{}', arg.value), h.expected);
        continue;
      }
      const operand = (pos: number): { value: string | undefined; end: number } | null => {
        const lit = readLiterals(block, pos);
        if (lit) return lit;
        const v = /^(\w+)/.exec(block.slice(pos));
        return v ? { value: vars.get(v[1]), end: pos + v[1].length } : null;
      };
      const expected = operand(at);
      if (!expected || block[expected.end] !== ',') continue;
      const call = /^\s*quotations\.extract_from_plain\(\s*/.exec(block.slice(expected.end + 1));
      if (!call) continue;
      const arg = operand(expected.end + 1 + call[0].length);
      if (!arg || !/^\s*\)/.test(block.slice(arg.end))) continue;
      if (expected.value !== undefined && arg.value !== undefined) add(label(), arg.value, expected.value);
    }
  }
  return cases;
}

/** talon's signature/emails/stripped: `<name>_body` whose signature is `<name>_signature`. */
function talonSignatureCases(): Case[] {
  const dir = 'mailgun-talon/signature/emails/stripped';
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('_body'))
    .sort()
    .map((f) => {
      const text = read(dir, f);
      const e = normalise(read(dir, f.replace(/_body$/, '_signature')));
      return { name: `signature/${f}`, size: text.length, run: () => splitMessageText(text).signature, check: (a) => normalise(a) === e };
    });
}

// -- closeio/quotequail ------------------------------------------------------------------------

/** Text of an HTML fragment: text nodes, with a space for each line break and block boundary. */
function htmlText(html: string): string {
  const doc = new JSDOM(html).window.document;
  const BLOCK = /^(?:br|div|p|li|tr|blockquote|h[1-6]|ol|ul|table|hr)$/;
  let out = '';
  const walk = (n: Node) => {
    if (n.nodeType === 3) out += n.textContent;
    else if (n.nodeType === 1) {
      const tag = (n as Element).localName;
      if (tag === 'style' || tag === 'script' || tag === 'head') return;
      if (BLOCK.test(tag)) out += ' ';
      n.childNodes.forEach(walk);
      if (BLOCK.test(tag)) out += ' ';
    }
  };
  walk(doc.body);
  return out;
}

/** The content script's reading of a message element, then the extension side's text rules. */
function pageThenRefine(bodyEl: Element): MailMessage {
  const parts = extractMessageParts(bodyEl);
  return refineMessage({
    messageId: 'corpus',
    from: { name: 'Corpus' },
    to: [],
    cc: [],
    dateText: '',
    snippet: '',
    bodyText: parts.body,
    quotedText: parts.quoted,
    signature: parts.signature,
    links: parts.links,
    direction: 'incoming',
    collapsed: false,
  });
}

function quotequailCases(): Case[] {
  const src = read('closeio-quotequail/tests/test_unwrap_html.py');
  const files = 'closeio-quotequail/tests/files';
  const seen = new Set<string>();
  const cases: Case[] = [];
  for (const m of src.matchAll(/"([\w.-]+\.html)"/g)) {
    const file = m[1];
    if (seen.has(file) || /_unwrapped/.test(file)) continue;
    // The expectation for this file runs up to the next input file named in the test source.
    const start = m.index + m[0].length;
    const next = src.slice(start).search(/"[\w-]+\.html"|\n\n\n/);
    const scope = src.slice(start, next < 0 ? undefined : start + next + 40);
    let expectedHtml: string | undefined;
    const inline = /"html_top":\s*/.exec(scope);
    const fromFile = /result\["html_top"\]\s*==\s*read_file\(\s*"([\w.-]+)"/.exec(src.slice(start, start + 2000));
    if (fromFile && (!inline || fromFile.index < inline.index)) expectedHtml = read(files, fromFile[1]);
    else if (inline) expectedHtml = readLiterals(scope, inline.index + inline[0].length)?.value;
    else if (/"html_top" not in result/.test(src.slice(start, start + 2000))) expectedHtml = '';
    if (expectedHtml === undefined) continue;
    seen.add(file);
    const html = read(files, file);
    const e = normalise(expectedHtml ? htmlText(expectedHtml) : '');
    // The page's DOM is built once: the timed part is Rapport's reading, not JSDOM's parsing.
    let body: HTMLElement | undefined;
    cases.push({
      name: file,
      size: html.length,
      run: () => {
        // html_top is the message above the quote, signature included (quotequail does not split
        // signatures): Rapport's body and signature together, as for talon.
        const m = pageThenRefine((body ??= new JSDOM(html).window.document.body));
        return `${m.bodyText}\n${m.signature}`;
      },
      check: (a) => normalise(a) === e,
    });
  }
  return cases;
}

// -- running -----------------------------------------------------------------------------------

export const CORPORA: { corpus: string; rule: string; cases: () => Case[] }[] = [
  {
    corpus: 'github-email_reply_parser',
    rule: 'each test that states parse_reply() of a fixture as a literal: Rapport body (no quote, no signature) equals it',
    cases: githubCases,
  },
  {
    corpus: 'zapier-email-reply-parser',
    rule: 'each test with literal assertions on parse_reply()/message.reply of a fixture (equal, contains, does not contain): all hold for the Rapport body',
    cases: zapierCases,
  },
  {
    corpus: 'mailgun-talon (quotes)',
    rule: 'standard_replies/*.eml (text/plain part) and each one-call extract_from_plain() test with literal input and output: Rapport body + signature (quote removed) equals it',
    cases: talonCases,
  },
  {
    corpus: 'mailgun-talon (signatures)',
    rule: 'signature/emails/stripped/<name>_body: Rapport signature equals <name>_signature',
    cases: talonSignatureCases,
  },
  {
    corpus: 'closeio-quotequail (HTML)',
    rule: 'each tests/files input with an html_top expectation in test_unwrap_html.py (absent html_top = empty): text of Rapport body + signature (quote removed; page markers, then the text rules) equals text of html_top',
    cases: quotequailCases,
  },
];

export function runCorpora(): CorpusResult[] {
  return CORPORA.map(({ corpus, rule, cases }) => {
    const all = cases();
    const failed = all.filter((c) => !c.check(c.run())).map((c) => c.name);
    const largest = all.reduce((a, b) => (b.size > a.size ? b : a));
    return { corpus, rule, passed: all.length - failed.length, total: all.length, failed, largest };
  });
}
