// Seeded generator of a realistic data set for the benchmarks: names in several languages and
// scripts, work and webmail addresses, companies with domains, email subjects and snippets.
import type { Activity, Company, Contact } from '../../storage/schema';

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'José',
  'María',
  'Lucía',
  'Álvaro',
  'Sofía',
  'Mateo',
  'Jürgen',
  'Björn',
  'Åsa',
  'Lena',
  'Søren',
  'Zoë',
  'François',
  'Hélène',
  'Chloé',
  'Renée',
  'Łukasz',
  'Małgorzata',
  'Paweł',
  'Jiří',
  'Tomáš',
  'Zeynep',
  'Çağrı',
  'Şeyma',
  'Nguyễn',
  'Thảo',
  'Anh',
  'Mohammed',
  'Fatima',
  'Aisha',
  'Omar',
  'محمد',
  'فاطمة',
  'Yuki',
  'Haruto',
  'Sakura',
  '陈',
  '王芳',
  'Priya',
  'Arjun',
  'Ananya',
  'Olga',
  'Dmitri',
  'Ivana',
  'John',
  'Emma',
  'Olivia',
  'Liam',
  'Noah',
  'Ava',
  'James',
  'Mia',
  'Ethan',
  'Grace',
  'Chiara',
  'Giulia',
  'Marco',
  'Matteo',
  'Aoife',
  'Siobhán',
  'Eoin',
  'Kwame',
  'Amara',
  'Chidi',
  'Thandiwe',
  'Mei',
  'Wei',
  'Ji-woo',
  'Min-jun',
  'Lars',
  'Ingrid',
  'Henrik',
  'Astrid',
  'Pedro',
  'João',
  'Ana',
  'Beatriz',
  'Raúl',
  'Núria',
  'Ebba',
  'Maëlle',
];
const LAST = [
  'García',
  'Fernández',
  'López',
  'Martínez',
  'Müller',
  'Schäfer',
  'Weiß',
  'Größner',
  'Öztürk',
  'Yılmaz',
  'Şahin',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'Kowalski',
  'Wiśniewska',
  'Dvořák',
  'Novák',
  'Nguyễn',
  'Trần',
  'Lê',
  'Al-Farsi',
  'Haddad',
  'الأحمد',
  'Tanaka',
  'Suzuki',
  'Watanabe',
  '李',
  '张伟',
  'Sharma',
  'Patel',
  'Iyer',
  'Ivanova',
  'Petrov',
  'Smith',
  'Johnson',
  'Brown',
  'Taylor',
  'Wilson',
  'Anderson',
  'Rossi',
  'Russo',
  'Bianchi',
  "O'Brien",
  'Murphy',
  'Mensah',
  'Okafor',
  'Nkosi',
  'Kim',
  'Park',
  'Lee',
  'Andersson',
  'Johansson',
  'Nilsson',
  'Hansen',
  'Jensen',
  'Silva',
  'Santos',
  'Pereira',
  'Costa',
  'Virtanen',
  'Korhonen',
  'Nieminen',
  'Van der Berg',
  'De Vries',
  'Jansen',
  'Bakker',
  'Horvát',
  'Nagy',
  'Papadopoulos',
  'Cohen',
  'Levi',
];
const CO_A = [
  'Acme',
  'Nordwind',
  'Solaris',
  'Bluefin',
  'Granite',
  'Helios',
  'Kestrel',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Orchid',
  'Pinnacle',
  'Quantum',
  'Riverstone',
  'Sable',
  'Tundra',
  'Umbra',
  'Vertex',
  'Willow',
  'Zenith',
  'Atlas',
  'Borealis',
  'Cobalt',
  'Delta',
  'Ember',
  'Fjord',
  'Glacier',
  'Harbor',
  'Iris',
  'Juniper',
  'Kairos',
  'Lotus',
  'Magnolia',
  'Nova',
  'Onyx',
  'Polaris',
  'Quarry',
  'Redwood',
  'Sierra',
  'Tessera',
  'Ultramar',
  'Vireo',
  'Wavelength',
  'Xenon',
  'Yarrow',
  'Zephyr',
  'Bäckerei',
  'Café',
  'Müller',
  'Société',
  'Árbol',
  'Złoty',
];
const CO_B = [
  'Systems',
  'Logistics',
  'Energía',
  'Labs',
  'Analytics',
  'Foods',
  'Robotics',
  'Health',
  'Capital',
  'Media',
  'Software',
  'Bau',
  'Consulting',
  'Pharma',
  'Textil',
  'Motors',
  'Studio',
  'Networks',
  'Solutions',
  'Partners',
  'Holding',
  'Ventures',
];
const CO_C = ['GmbH', 'Inc', 'Ltd', 'SA', 'SAS', 'AB', 'BV', 'sp. z o.o.', 'KK', 'LLC', 'AG', 'Oy', 'S.p.A.', ''];
const TLD = ['com', 'de', 'fr', 'es', 'io', 'co.uk', 'se', 'pl', 'it', 'nl', 'jp', 'com.br'];
const WEBMAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'gmx.de', 'icloud.com'];
const TITLES = [
  'CEO',
  'CTO',
  'Head of Sales',
  'Account Executive',
  'Procurement Manager',
  'VP Engineering',
  'Recruiter',
  'Talent Partner',
  'Marketing Director',
  'Einkaufsleiter',
  'Directrice commerciale',
  'Jefe de compras',
  'Product Manager',
  'Operations Lead',
  'CFO',
  'Software Engineer',
  'Office Manager',
  'Sales Development Rep',
];
const CITIES = [
  'Madrid',
  'Berlin',
  'München',
  'Paris',
  'Lyon',
  'Kraków',
  'Praha',
  'İstanbul',
  'Hà Nội',
  'Dubai',
  'Tokyo',
  'São Paulo',
  'London',
  'Dublin',
  'Stockholm',
  'Helsinki',
  'Amsterdam',
  'New York',
  'Toronto',
  'Lagos',
  'Nairobi',
  'Seoul',
];
const TOPICS = [
  'proposal',
  'pricing',
  'renewal',
  'contract',
  'onboarding',
  'invoice',
  'demo',
  'follow-up',
  'kickoff',
  'quarterly review',
  'security questionnaire',
  'pilot results',
  'integration',
  'roadmap',
  'Angebot',
  'Rechnung',
  'devis',
  'presupuesto',
  'interview',
  'offer letter',
  'reference check',
  'workshop',
  'SLA',
  'migration plan',
  'budget approval',
];
const SUBJECT_TPL = [
  'Re: {t} for {c}',
  '{t} – next steps',
  'Fwd: {t}',
  'Meeting: {t} with {c}',
  'Question about {t}',
  '{c} {t}',
  'Re: Re: {t}',
  'Call notes: {t}',
  'AW: {t}',
  'RE: {t} ({c})',
  'Your {t}',
  '{t} update',
];
const SNIPPETS = [
  'Thanks for the call today, attaching the {t} as promised.',
  'Could we move our meeting to Thursday?',
  'Please find the revised {t} attached.',
  'Following up on my last email about the {t}.',
  'Looking forward to the {t}.',
  'Vielen Dank für Ihre Nachricht zum {t}.',
  'Merci pour votre retour sur le {t}.',
  'Gracias, revisamos el {t} mañana.',
  'Can you confirm the numbers before Friday?',
  'Happy to introduce you to our team.',
];

const ascii = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9]+/g, '')
    .toLowerCase();

export interface DataSet {
  companies: Company[];
  contacts(start: number, count: number): Contact[];
  activities(start: number, count: number): Activity[];
}

const BENCH_STAGES = ['lead', 'contacted', 'qualified', 'customer', 'churned', 'candidate', 'interviewing', 'hired'];

/**
 * `workspaceFields`: contacts also get a stage, more tags and a last-contact time (a random time in
 * the same three years as the activities), for the workspace's tables (bench:workspace). Drawn after
 * every other field, so the other fields are the same with or without it.
 */
export function makeDataSet(opts: { contacts: number; companies: number; seed: number; workspaceFields?: boolean }): DataSet {
  const r = rng(opts.seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const now = Date.parse('2026-11-01T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const companies: Company[] = [];
  for (let i = 0; i < opts.companies; i++) {
    const name = `${pick(CO_A)} ${pick(CO_B)} ${pick(CO_C)}`.trim() + (i >= CO_A.length * CO_B.length ? ` ${i}` : '');
    const domain = `${ascii(name)}.${pick(TLD)}`;
    const at = iso(now - Math.floor(r() * 3 * 365 * 864e5));
    companies.push({ id: `co_b${i}`, name, domain, tags: [], createdAt: at, updatedAt: at, sources: [{ type: 'import', at }] });
  }
  // Contacts are deterministic per index so activities can refer to them without keeping them all.
  const contactAt = (i: number) => {
    const cr = rng(opts.seed * 7919 + i);
    const p = <T>(a: T[]) => a[Math.floor(cr() * a.length)];
    const first = p(FIRST);
    const last = p(LAST);
    const co = companies[Math.floor(cr() * companies.length)];
    const work = cr() < 0.75;
    const local = `${ascii(first) || 'user'}.${ascii(last) || 'x'}${i}`;
    const email = `${local}@${work ? co.domain : p(WEBMAIL)}`;
    return { first, last, co, email, title: p(TITLES), city: p(CITIES), r: cr };
  };
  return {
    companies,
    contacts(start, count) {
      const out: Contact[] = [];
      for (let i = start; i < start + count; i++) {
        const c = contactAt(i);
        const at = iso(now - Math.floor(c.r() * 3 * 365 * 864e5));
        out.push({
          id: `ct_b${i}`,
          name: `${c.first} ${c.last}`,
          firstName: c.first,
          lastName: c.last,
          emails: [c.email],
          phones: [],
          title: c.title,
          company: c.co.name,
          companyId: c.co.id,
          location: c.city,
          tags: c.r() < 0.1 ? ['vip'] : [],
          createdAt: at,
          updatedAt: at,
          sources: [{ type: 'import', at }],
        });
        if (opts.workspaceFields) {
          const last = out[out.length - 1];
          last.stage = BENCH_STAGES[Math.floor(c.r() * BENCH_STAGES.length)];
          if (c.r() < 0.2) last.tags = [...last.tags, 'cold'];
          if (c.r() < 0.05) last.tags = [...last.tags, 'partner'];
          if (c.r() < 0.9) last.lastActivityAt = iso(now - Math.floor(c.r() * 3 * 365 * 864e5));
        }
      }
      return out;
    },
    activities(start, count) {
      const out: Activity[] = [];
      for (let i = start; i < start + count; i++) {
        const ar = rng(opts.seed * 104729 + i);
        const p = <T>(a: T[]) => a[Math.floor(ar() * a.length)];
        const ci = Math.floor(ar() * opts.contacts);
        const c = contactAt(ci);
        const t = p(TOPICS);
        const at = iso(now - Math.floor(ar() * 3 * 365 * 864e5));
        const incoming = ar() < 0.5;
        out.push({
          id: `ac_b${i}`,
          type: 'email',
          contactIds: [`ct_b${ci}`],
          subject: p(SUBJECT_TPL).replace('{t}', t).replace('{c}', c.co.name),
          snippet: p(SNIPPETS).replace('{t}', t),
          occurredAt: at,
          direction: incoming ? 'incoming' : 'outgoing',
          threadId: `th${Math.floor(i / 3)}`,
          messageId: `<b${i}@bench.rapport>`,
          participants: [
            { email: c.email, name: `${c.first} ${c.last}`, role: incoming ? 'from' : 'to' },
            { email: 'me@rapport.test', name: 'Me', role: incoming ? 'to' : 'from' },
          ],
          createdAt: at,
          updatedAt: at,
          sources: [{ type: 'gmail', at }],
        });
      }
      return out;
    },
  };
}

/** Realistic queries: 1–3 words of a random record, each cut to a prefix of 2+ letters. */
export function sampleQueries(texts: string[], count: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  while (out.length < count && texts.length) {
    const words = texts[Math.floor(r() * texts.length)].split(/[\s@.]+/).filter((w) => [...w].length >= 2);
    if (!words.length) continue;
    const n = Math.min(words.length, 1 + Math.floor(r() * 3));
    const start = Math.floor(r() * (words.length - n + 1));
    const q = words
      .slice(start, start + n)
      .map((w) => {
        const chars = [...w];
        return chars.slice(0, Math.max(2, Math.min(chars.length, 2 + Math.floor(r() * 5)))).join('');
      })
      .join(' ');
    out.push(q);
  }
  return out;
}
