// The selector file and the fast selector matcher: every LinkedIn selector is valid CSS, names
// where it was seen, and the fast matcher returns exactly what the native querySelectorAll does on
// the fixture pages.
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import * as SELECTORS from '../../../sites/linkedin/selectors';
import { compileSelector } from '../../../sites/common/fast-select';
import { closestMatch, elementMatches, selectAll, selectFirst, type SelectorSpec } from '../../../sites/common/selector-spec';

const FIXTURES = path.resolve(__dirname, '../../fixtures/linkedin');

function isSpec(v: unknown): v is SelectorSpec {
  return !!v && typeof v === 'object' && Array.isArray((v as SelectorSpec).selectors) && typeof (v as SelectorSpec).name === 'string';
}

/** Every spec and every plain selector string reachable from the selectors module. */
function collect(): { specs: SelectorSpec[]; strings: string[] } {
  const specs: SelectorSpec[] = [];
  const strings: string[] = [];
  const visit = (v: unknown) => {
    if (isSpec(v)) specs.push(v);
    else if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object' && !(v instanceof RegExp)) Object.values(v).forEach(visit);
  };
  visit(SELECTORS);
  return { specs, strings };
}

const { specs, strings } = collect();
const allSelectors = [...new Set([...specs.flatMap((s) => s.selectors), ...strings])].filter((s) => {
  try {
    new JSDOM('').window.document.querySelector(s);
    return true;
  } catch {
    return false; // attribute names and class tokens given as data, not selectors
  }
});

describe('selectors.ts', () => {
  it('every spec has selectors, each valid CSS, and says where it was seen', () => {
    const doc = new JSDOM('<p></p>').window.document;
    expect(specs.length).toBeGreaterThan(20);
    const fixtureNames = new Set(
      fs
        .readdirSync(FIXTURES)
        .filter((f) => f.endsWith('.html'))
        .map((f) => f.replace(/\.html$/, '')),
    );
    for (const spec of specs) {
      expect(spec.selectors.length, spec.name).toBeGreaterThan(0);
      for (const sel of spec.selectors) expect(() => doc.querySelector(sel), `${spec.name}: ${sel}`).not.toThrow();
      for (const seen of spec.seenIn) expect(fixtureNames.has(seen), `${spec.name} names unknown fixture ${seen}`).toBe(true);
      if (!spec.seenIn.length) expect(spec.note ?? '', `${spec.name} is seen nowhere and says nothing`).not.toBe('');
    }
  });

  it('the fast matcher understands every selector the parser uses (no slow fallback)', () => {
    const unsupported = allSelectors.filter((s) => !compileSelector(s));
    expect(unsupported).toEqual([]);
  });
});

describe('fast selector matcher = native querySelectorAll', () => {
  const pages = [
    'scoutr-loggedin-profile1-2024-07.html',
    'scoutr-guest-public-profile1-2024-03.html',
    'yatish27-public-profile-2016.html',
    'scoutr-guest-private-profile-2024-06.html',
    'constructed-loggedin-profile-2025-en.html',
    'constructed-loggedin-profile-2025-fr.html',
    'constructed-company-2026-11.html',
    'constructed-sales-lead-2026-11.html',
  ];
  for (const page of pages) {
    it(page, () => {
      const doc = new JSDOM(fs.readFileSync(path.join(FIXTURES, page), 'utf8')).window.document;
      const roots: ParentNode[] = [doc, doc.body, ...Array.from(doc.querySelectorAll('section')).slice(0, 3)];
      const docWide = new Map(allSelectors.map((sel) => [sel, Array.from(doc.querySelectorAll(sel))]));
      for (const sel of allSelectors) {
        for (const root of roots) {
          // Reference: the standard's semantics (descendants of root that match in the whole
          // document). jsdom's element.querySelectorAll does not let the root itself satisfy a
          // compound ("#topcard li" from section#topcard gives nothing); browsers do.
          const native = root === doc ? docWide.get(sel)! : docWide.get(sel)!.filter((el) => el !== root && (root as Node).contains(el));
          const fast = selectAll(root, sel);
          expect(fast.length, `${sel} on ${page}`).toBe(native.length);
          expect(
            fast.every((el, i) => el === native[i]),
            `${sel} on ${page}: order`,
          ).toBe(true);
          expect(selectFirst(root, sel)).toBe(native[0] ?? null);
        }
      }
    });
  }

  it('handles quirks mode, :not, child combinators, attribute operators and escapes', () => {
    const page = `<div id="a" class="Box one"><p class="x" data-k="Foo Bar" lang="en-GB"><span class="t-14 t-normal">1</span>
      <span class="t-14 t-normal t-black--light">2</span><i class="before:middot">3</i></p></div>`;
    for (const quirks of [true, false]) {
      const doc = new JSDOM(quirks ? page : `<!DOCTYPE html>${page}`).window.document;
      expect(doc.compatMode).toBe(quirks ? 'BackCompat' : 'CSS1Compat');
      for (const sel of [
        '.box',
        '#A',
        'div.Box > p.x > span',
        'div span:not(.t-black--light)',
        'span.t-14.t-normal:not(.t-black--light)',
        '[data-k="foo bar" i]',
        '[data-k^="Foo"]',
        '[data-k$="Bar"]',
        '[data-k*="o B"]',
        '[data-k~="Bar"]',
        '[lang|="en"]',
        'p > span:first-child',
        'p > span:last-child',
        'i.before\\:middot',
        'span, i',
        '*',
      ]) {
        const native = Array.from(doc.querySelectorAll(sel));
        expect(selectAll(doc, sel), `${sel} (quirks ${quirks})`).toEqual(native);
        for (const el of Array.from(doc.querySelectorAll('*'))) {
          expect(elementMatches(el, sel), `${sel} matches`).toBe(el.matches(sel));
          expect(closestMatch(el, sel), `${sel} closest`).toBe(el.closest(sel));
        }
      }
    }
    expect(compileSelector('a + b')).toBeNull();
    expect(compileSelector('li:nth-child(2)')).toBeNull();
  });
});
