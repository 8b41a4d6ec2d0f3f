// An incremental reader for one JSON shape: a top-level object whose members are values or arrays of
// records (Rapport's export). Text is pushed slice by slice; each top-level value and each array element is
// handed out as soon as its text is complete, parsed by JSON.parse. Only one record's text is held at a
// time, so a 500 MB export never becomes one string. Linear: every character is looked at once, strings
// and containers are skipped with one regular-expression search per quote, bracket or escape.

/** What the reader hands out, in file order. */
export type TopLevelToken =
  /** A top-level member whose value is not an array. */
  | { type: 'member'; key: string; value: unknown }
  /** The start of a top-level array. */
  | { type: 'arrayStart'; key: string }
  /** One element of a top-level array (`index` is 0-based). */
  | { type: 'element'; key: string; index: number; value: unknown }
  | { type: 'arrayEnd'; key: string; count: number };

/** The text is not JSON (or not the shape read here). `offset` counts UTF-16 characters from the start. */
export class JsonShapeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonShapeError';
  }
}

type State =
  | 'start'
  | 'firstKey' // after "{": a key or "}"
  | 'key' // after ",": a key
  | 'keyString'
  | 'colon'
  | 'value'
  | 'firstElement' // after "[": an element or "]"
  | 'element' // after "," in an array
  | 'capture'
  | 'afterElement'
  | 'afterMember'
  | 'done';

const QUOTE_OR_BACKSLASH = /["\\]/g;
const CONTAINER_MARK = /["{}[\]]/g;
const LITERAL_END = /[,\]}\s]/g;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function describeChar(c: string | undefined): string {
  return c === undefined ? 'the end of the file' : JSON.stringify(c);
}

export class TopLevelJsonReader {
  private state: State = 'start';
  private key = '';
  private index = 0;
  /** Text of the value being captured, from earlier slices. */
  private partial = '';
  private captureKind: 'container' | 'string' | 'literal' = 'literal';
  private inArray = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Characters pushed before the current slice. */
  private consumed = 0;

  /** @param maxValueChars a longer record or value is refused (a record is far smaller; this bounds memory). */
  constructor(private readonly maxValueChars = 32 * 1024 * 1024) {}

  private failed: JsonShapeError | undefined;

  /**
   * Feeds the next slice; `final` marks the last one. Returns the tokens completed by it and, when the text
   * stops being readable in this slice, the error (after the tokens that came before it). A reader that
   * failed refuses further slices.
   */
  push(text: string, final = false): { tokens: TopLevelToken[]; error?: JsonShapeError } {
    if (this.failed) throw this.failed;
    const out: TopLevelToken[] = [];
    try {
      this.scan(text, final, out);
    } catch (e) {
      if (!(e instanceof JsonShapeError)) throw e;
      this.failed = e;
      return { tokens: out, error: e };
    }
    return { tokens: out };
  }

  private scan(text: string, final: boolean, out: TopLevelToken[]): void {
    const n = text.length;
    let i = 0;
    let captureStart = this.state === 'capture' || this.state === 'keyString' ? 0 : -1;
    const fail = (message: string, at: number): never => {
      throw new JsonShapeError(`${message} (at character ${this.consumed + at + 1})`, this.consumed + at);
    };
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case 'start':
          if (isSpace(c) || c === 0xfeff) i++;
          else if (c === 0x7b /* { */) {
            this.state = 'firstKey';
            i++;
          } else fail(`expected a JSON object, found ${describeChar(text[i])}`, i);
          break;
        case 'firstKey':
        case 'key':
          if (isSpace(c)) i++;
          else if (c === 0x22 /* " */) {
            this.state = 'keyString';
            this.inString = true;
            captureStart = i;
            i++;
          } else if (c === 0x7d /* } */ && this.state === 'firstKey') {
            this.state = 'done';
            i++;
          } else fail(`expected a member name, found ${describeChar(text[i])}`, i);
          break;
        case 'keyString': {
          const end = this.skipString(text, i);
          if (end < 0) {
            i = n;
            break;
          }
          const raw = this.partial + text.slice(captureStart, end);
          this.partial = '';
          captureStart = -1;
          this.key = this.parse(raw, fail, end) as string;
          this.state = 'colon';
          i = end;
          break;
        }
        case 'colon':
          if (isSpace(c)) i++;
          else if (c === 0x3a /* : */) {
            this.state = 'value';
            i++;
          } else fail(`expected ":" after "${this.key}", found ${describeChar(text[i])}`, i);
          break;
        case 'value':
          if (isSpace(c)) i++;
          else if (c === 0x5b /* [ */) {
            out.push({ type: 'arrayStart', key: this.key });
            this.state = 'firstElement';
            this.index = 0;
            i++;
          } else {
            this.inArray = false;
            captureStart = i;
            i = this.startCapture(text, i);
          }
          break;
        case 'firstElement':
        case 'element':
          if (isSpace(c)) i++;
          else if (c === 0x5d /* ] */ && this.state === 'firstElement') {
            out.push({ type: 'arrayEnd', key: this.key, count: this.index });
            this.state = 'afterMember';
            i++;
          } else if (c === 0x5d || c === 0x2c /* , */) fail(`expected a value in "${this.key}", found ${describeChar(text[i])}`, i);
          else {
            this.inArray = true;
            captureStart = i;
            i = this.startCapture(text, i);
          }
          break;
        case 'capture': {
          const end = this.continueCapture(text, i, final);
          if (end < 0) {
            i = n;
            break;
          }
          const raw = this.partial + text.slice(captureStart, end);
          this.partial = '';
          const value = this.parse(raw, fail, end);
          captureStart = -1;
          if (this.inArray) {
            out.push({ type: 'element', key: this.key, index: this.index++, value });
            this.state = 'afterElement';
          } else {
            out.push({ type: 'member', key: this.key, value });
            this.state = 'afterMember';
          }
          i = end;
          break;
        }
        case 'afterElement':
          if (isSpace(c)) i++;
          else if (c === 0x2c) {
            this.state = 'element';
            i++;
          } else if (c === 0x5d) {
            out.push({ type: 'arrayEnd', key: this.key, count: this.index });
            this.state = 'afterMember';
            i++;
          } else fail(`expected "," or "]" after ${this.key}[${this.index - 1}], found ${describeChar(text[i])}`, i);
          break;
        case 'afterMember':
          if (isSpace(c)) i++;
          else if (c === 0x2c) {
            this.state = 'key';
            i++;
          } else if (c === 0x7d) {
            this.state = 'done';
            i++;
          } else fail(`expected "," or "}" after "${this.key}", found ${describeChar(text[i])}`, i);
          break;
        case 'done':
          if (isSpace(c)) i++;
          else fail(`unexpected ${describeChar(text[i])} after the end of the object`, i);
          break;
      }
    }
    if (captureStart >= 0) {
      this.partial += text.slice(captureStart);
      if (this.partial.length > this.maxValueChars) {
        const where = this.inArray ? `${this.key}[${this.index}]` : `"${this.key}"`;
        fail(`${where} is longer than ${this.maxValueChars} characters: not a record Rapport writes`, n);
      }
    }
    this.consumed += n;
    if (final && this.state !== 'done') {
      throw new JsonShapeError(
        `the file ends before the JSON object does (after ${this.consumed} characters): it may have been cut short`,
        this.consumed,
      );
    }
  }

  /** Starts capturing the value at text[i]; returns where scanning goes on. */
  private startCapture(text: string, i: number): number {
    const c = text.charCodeAt(i);
    this.state = 'capture';
    if (c === 0x7b || c === 0x5b) {
      this.captureKind = 'container';
      this.depth = 0;
      this.inString = false;
      return i; // continueCapture counts the opening bracket
    }
    if (c === 0x22) {
      this.captureKind = 'string';
      this.inString = true;
      return i + 1;
    }
    this.captureKind = 'literal';
    return i + 1;
  }

  /** Scans on from `i`; returns the index just past the value, or -1 when the slice ends inside it. */
  private continueCapture(text: string, i: number, final: boolean): number {
    if (this.captureKind === 'string') return this.skipString(text, i);
    if (this.captureKind === 'literal') {
      LITERAL_END.lastIndex = i;
      const m = LITERAL_END.exec(text);
      if (m) return m.index;
      return final ? text.length : -1;
    }
    let at = i;
    for (;;) {
      if (this.inString) {
        at = this.skipString(text, at);
        if (at < 0) return -1;
      }
      CONTAINER_MARK.lastIndex = at;
      const m = CONTAINER_MARK.exec(text);
      if (!m) return -1;
      const c = text.charCodeAt(m.index);
      at = m.index + 1;
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (--this.depth === 0) return at;
    }
  }

  /** Inside a string: returns the index just past its closing quote, or -1 when the slice ends first. */
  private skipString(text: string, i: number): number {
    const n = text.length;
    if (this.escaped) {
      if (i >= n) return -1;
      this.escaped = false;
      i++;
    }
    for (;;) {
      QUOTE_OR_BACKSLASH.lastIndex = i;
      const m = QUOTE_OR_BACKSLASH.exec(text);
      if (!m) return -1;
      if (text.charCodeAt(m.index) === 0x22) {
        this.inString = false;
        return m.index + 1;
      }
      if (m.index + 1 >= n) {
        this.escaped = true;
        return -1;
      }
      i = m.index + 2;
    }
  }

  private parse(raw: string, fail: (message: string, at: number) => never, end: number): unknown {
    try {
      return JSON.parse(raw);
    } catch (e) {
      const where = this.state === 'keyString' ? 'a member name' : this.inArray ? `${this.key}[${this.index}]` : `"${this.key}"`;
      const msg = e instanceof Error ? e.message : String(e);
      return fail(`${where} is not valid JSON (${msg.length > 160 ? `${msg.slice(0, 160)}…` : msg})`, end);
    }
  }
}
