// What the rows an import must write cost by themselves, in Chromium's IndexedDB: the bound behind
// bench:import's goal (decision 0046). In the options page of the built extension, each in a
// scratch database and one transaction, for N people (default 40,000):
//   floor        the contact records put into a store without indexes (bench:import's floor)
//   contacts     the same records added to a store with the contacts table's six indexes
//   postings     1.1 posting rows per person (one word of each person's own, their address, plus
//                shared words), put into a store with the postings table's [k+c+t] index
//   missing gets a get of each of those rows before they exist (what a flush read before 0046)
//   both         contacts and postings in one transaction
// Prints wall time and the CPU seconds of the browser process (IndexedDB) and the renderers.
//   RAPPORT_TEST_BUILD=1 npx wxt build && node tests/bench/import-floors.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { launch } from './browser.mjs';

function cpuSeconds(rootPid) {
  const children = new Map();
  const parse = (stat) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  };
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const { ppid, ticks } = parse(readFileSync(`/proc/${d}/stat`, 'utf8'));
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push([Number(d), ticks]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const out = { browser: 0, renderer: 0 };
  const walk = (pid, ticks) => {
    let type = 'browser';
    try {
      type = /--type=([a-z-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
    } catch {
      // The process ended meanwhile.
    }
    out[type] = (out[type] ?? 0) + ticks / 100;
    for (const [child, t] of children.get(pid) ?? []) walk(child, t);
  };
  walk(rootPid, parse(readFileSync(`/proc/${rootPid}/stat`, 'utf8')).ticks);
  return out;
}

const N = Number(process.env.N ?? 40_000);
const env = await launch();
try {
  const page = await env.browser.newPage();
  await page.goto(env.url('options.html'));
  await page.evaluate((N) => {
    const at = new Date().toISOString();
    const contacts = [];
    for (let i = 0; i < N; i++) {
      contacts.push({
        n: i + 1,
        id: `ct_${Math.random().toString(36).slice(2)}${i}`,
        name: 'Anna Müller',
        firstName: 'Anna',
        lastName: 'Müller',
        emails: [`anna.muller${i}@corp${i % 500}.example`],
        phones: [`+14155550${i % 1000}`],
        tags: [`tag${i % 20}`],
        company: `Corp ${i % 500}`,
        companyId: `co_${i % 500}`,
        title: `Role ${i % 13}`,
        location: `City ${i % 50}`,
        createdAt: at,
        updatedAt: at,
        sources: [{ type: 'import', ref: 'contacts.csv', at }],
      });
    }
    const postings = [];
    for (let i = 0; i < N * 1.1; i++)
      postings.push({ k: 'contact', t: i < N ? `muller${i}` : `w${i}`, c: 0, offs: Uint16Array.of(i & 0xffff) });
    const contactStore = (d) => {
      const s = d.createObjectStore('s', { keyPath: 'n' });
      s.createIndex('id', 'id', { unique: true });
      s.createIndex('emails', 'emails', { multiEntry: true });
      s.createIndex('linkedinId', 'linkedinId');
      s.createIndex('linkedinUrns', 'linkedinUrns', { multiEntry: true });
      s.createIndex('companyId', 'companyId');
      s.createIndex('updatedAt', 'updatedAt');
    };
    const postingStore = (d) => d.createObjectStore('p', { keyPath: ['k', 't', 'c'] }).createIndex('kct', ['k', 'c', 't']);
    const addContacts = (tx) => {
      const st = tx.objectStore('s');
      for (const r of contacts) st.add(r);
    };
    const putPostings = (tx) => {
      const st = tx.objectStore('p');
      for (const r of postings) st.put(r);
    };
    const runs = {
      floor: [
        (d) => d.createObjectStore('s', { keyPath: 'n' }),
        (tx) => {
          const st = tx.objectStore('s');
          for (const r of contacts) st.put(r);
        },
      ],
      contacts: [contactStore, addContacts],
      postings: [postingStore, putPostings],
      'missing gets': [
        postingStore,
        (tx) => {
          const st = tx.objectStore('p');
          for (const r of postings) st.get([r.k, r.t, r.c]);
        },
      ],
      both: [
        (d) => {
          contactStore(d);
          postingStore(d);
        },
        (tx) => {
          addContacts(tx);
          putPostings(tx);
        },
      ],
    };
    const open = (name, upgrade) =>
      new Promise((res, rej) => {
        const r = indexedDB.open(name);
        r.onupgradeneeded = () => upgrade(r.result);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
    const drop = (name) =>
      new Promise((res) => {
        const d = indexedDB.deleteDatabase(name);
        d.onsuccess = d.onerror = () => res(undefined);
      });
    window.runFloor = async (label) => {
      const [stores, fill] = runs[label];
      const name = `import-floors-${label}`;
      await drop(name);
      const db = await open(name, stores);
      const t = performance.now();
      await new Promise((res, rej) => {
        const tx = db.transaction(db.objectStoreNames, 'readwrite');
        fill(tx);
        tx.oncomplete = res;
        tx.onerror = () => rej(tx.error);
      });
      const ms = performance.now() - t;
      db.close();
      await drop(name);
      return ms;
    };
  }, N);
  const pid = env.browser.process().pid;
  console.log(
    `# IndexedDB cost of an import's rows, ${N.toLocaleString('en-US')} people; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (let rep = 0; rep < 2; rep++) {
    for (const label of ['floor', 'contacts', 'postings', 'missing gets', 'both']) {
      const c0 = cpuSeconds(pid);
      const ms = await page.evaluate((l) => window.runFloor(l), label);
      const c1 = cpuSeconds(pid);
      console.log(
        `${label.padEnd(12)} ${ms.toFixed(0).padStart(6)} ms   CPU browser ${(c1.browser - c0.browser).toFixed(1)} s, renderers ${(c1.renderer - c0.renderer).toFixed(1)} s`,
      );
    }
  }
} finally {
  await env.close();
}
