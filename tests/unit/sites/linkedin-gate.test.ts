// The LinkedIn content script's URL gate: on a page whose URL can never get the sidebar (feed,
// jobs, messaging…) it does nothing until an in-app navigation reaches one that can. The gate must
// never hide a sidebar the page would have shown: checked against every fixture page at many URLs.
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { parseLinkedinPage } from '../../../sites/linkedin/parse';
import { linkedinMayShowSidebar, linkedinWantsSidebar } from '../../../sites/linkedin/selectors';

const FIXTURES = path.resolve(__dirname, '../../fixtures/linkedin');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as { fixtures: Record<string, { url: string }> };

const GATED_OUT = [
  'https://www.linkedin.com/',
  'https://www.linkedin.com/feed/',
  'https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000000/',
  'https://www.linkedin.com/jobs/view/123/',
  'https://www.linkedin.com/messaging/thread/2-abc/',
  'https://www.linkedin.com/search/results/people/?keywords=mateo',
  'https://www.linkedin.com/mynetwork/',
  'https://www.linkedin.com/notifications/',
  'https://www.linkedin.com/authwall?trk=x&sessionRedirect=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fx',
  'https://www.linkedin.com/checkpoint/challenge/abc',
  'https://www.linkedin.com/sales/home',
  'https://www.linkedin.com/talent/home',
  'not a url',
];
const GATED_IN = [
  'https://www.linkedin.com/in/mateo-quintero-vale/',
  'https://www.linkedin.com/in/mateo-quintero-vale/details/experience/',
  'https://www.linkedin.com/IN/Mateo/',
  'https://www.linkedin.com/pub/mateo-quintero/1/2/3',
  'https://www.linkedin.com/company/acme/',
  'https://www.linkedin.com/school/acme-university/about/',
  'https://www.linkedin.com/showcase/acme-labs/',
  'https://www.linkedin.com/sales/lead/ACwAA,NAME_SEARCH,x',
  'https://www.linkedin.com/sales/people/ACwAA,NAME_SEARCH,x',
  'https://www.linkedin.com/talent/profile/AEMAA',
  'https://www.linkedin.com/talent/hire/123/profile/AEMAA',
  'https://www.linkedin.com/recruiter/profile/123',
];

describe('linkedinMayShowSidebar (the content script URL gate)', () => {
  it('lets profile, company, school, showcase and lead pages through, nothing else', () => {
    for (const url of GATED_IN) expect(linkedinMayShowSidebar(url), url).toBe(true);
    for (const url of GATED_OUT) expect(linkedinMayShowSidebar(url), url).toBe(false);
  });

  it('never hides a sidebar: every fixture page at every gated-out URL wants none', { timeout: 60_000 }, () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.html'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const html = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const own = expected.fixtures[file]?.url ?? 'https://www.linkedin.com/';
      // One document per fixture (jsdom is slow on the large pages); the parser takes the URL.
      const doc = new JSDOM(html, { url: own }).window.document;
      // At its own URL a fixture that shows the sidebar passes the gate.
      if (linkedinWantsSidebar(parseLinkedinPage(doc, own), own)) expect(linkedinMayShowSidebar(own), file).toBe(true);
      for (const url of GATED_OUT.filter((u) => u.startsWith('https:'))) {
        expect(linkedinWantsSidebar(parseLinkedinPage(doc, url), url), `${file} at ${url}`).toBe(false);
      }
    }
  });
});
