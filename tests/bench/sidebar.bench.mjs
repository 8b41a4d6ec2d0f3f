// npm run bench:sidebar — sidebar benchmark in real headless Chromium with the built extension and
// the real hostnames mapped to a local HTTPS server. With the seeded data set stored (BENCH_SCALE
// of 100k contacts / 1M activities), measures: page DOM ready → first participant card painted
// (Gmail, Outlook, LinkedIn), in-app navigation (URL change) → card painted, parse time of the
// largest fixture pages, content-script sizes (gzip), and main-thread time the content script adds
// to a page that is not capturable (LinkedIn feed), against the same page without the extension.
// BENCH_ONLY=feed measures only the last two (sizes and the feed figure, with its breakdown).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, percentile } from './browser.mjs';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
const fx = (p) => readFileSync(resolve('tests/fixtures', p), 'utf8');

// --- local HTTPS server for the real hostnames
const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-tls-'));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=rapport-bench',
    '-addext',
    'subjectAltName=DNS:mail.google.com,DNS:outlook.office.com,DNS:www.linkedin.com',
    '-keyout',
    join(dir, 'k.pem'),
    '-out',
    join(dir, 'c.pem'),
  ],
  { stdio: 'ignore' },
);
const pages = {
  'mail.google.com': fx('gmail/thread-3-messages-cc.html'),
  'outlook.office.com': fx('outlook/thread-en.html'),
  'www.linkedin.com/in/': fx('linkedin/scoutr-loggedin-profile1-2024-07.html'),
  'www.linkedin.com/feed/':
    '<!doctype html><html><head><title>Feed | LinkedIn</title></head><body><main>' +
    Array.from({ length: 300 }, (_, i) => `<div class="feed-item"><p>Post ${i}</p></div>`).join('') +
    '</main></body></html>',
};
// An SPA page: swaps between two Gmail threads on demand, changing the URL hash like Gmail does.
const threadA = fx('gmail/thread-3-messages-cc.html');
const threadB = fx('gmail/thread-non-ascii.html');
const bodyOf = (html) => html.slice(html.indexOf('<body'), html.lastIndexOf('</body>')).replace(/^<body[^>]*>/, '');
const spa = threadA.replace(
  '</body>',
  `<script>
  const bodies = ${JSON.stringify([bodyOf(threadA), bodyOf(threadB)])};
  const hashes = ['#inbox/18c2f4a9b7d3e601', '#inbox/other'];
  window.__swap = (i) => { const t = performance.timeOrigin + performance.now(); document.querySelector('.nH.bkK').outerHTML = bodies[i].match(/<div class="nH bkK"[\\s\\S]*?(?=<\\/div>\\s*<\\/div>\\s*$)/)?.[0] ?? bodies[i]; history.pushState(null, '', location.pathname + hashes[i]); return t; };
</script></body>`,
);
const server = https.createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (req, res) => {
  const host = req.headers.host?.split(':')[0];
  const path = req.url ?? '/';
  let html;
  if (host === 'mail.google.com') html = path.startsWith('/mail/u/9/') ? spa : pages['mail.google.com'];
  else if (host === 'outlook.office.com') html = pages['outlook.office.com'];
  else if (host === 'www.linkedin.com') html = path.startsWith('/feed/') ? pages['www.linkedin.com/feed/'] : pages['www.linkedin.com/in/'];
  res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html ?? 'not found');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const mapArgs = [
  `--host-resolver-rules=MAP mail.google.com 127.0.0.1:${port}, MAP outlook.office.com 127.0.0.1:${port}, MAP www.linkedin.com 127.0.0.1:${port}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
  '--ignore-certificate-errors',
];

const env = await launch({ extraArgs: mapArgs });
try {
  // BENCH_ONLY=feed: only the content-script sizes and the feed figure (no data set, no sidebar).
  if (process.env.BENCH_ONLY !== 'feed') {
    const bench = await env.browser.newPage();
    await bench.goto(env.url('bench.html'));
    await bench.waitForFunction('globalThis.benchReady === true');
    const C = Math.round(100_000 * scale),
      A = Math.round(1_000_000 * scale),
      O = Math.round(10_000 * scale);
    console.log(`# Rapport sidebar benchmark — ${C} contacts, ${O} companies, ${A} activities stored; ${RUNS} runs per figure`);
    if (process.env.BENCH_SKIP_SEED === '1') {
      // BENCH_PROFILE=<dir> BENCH_SKIP_SEED=1: reuse the data set an earlier run seeded (e.g. bench:search's).
      const st = await bench.evaluate(() => globalThis.bench.storage());
      console.log(`reusing the stored data set: ${JSON.stringify(st.counts)}`);
    } else {
      const seed = await bench.evaluate((o) => globalThis.bench.seed(o), { contacts: C, companies: O, activities: A, seed: 42 });
      console.log(`seeded ${seed.rows} rows in ${f(seed.ms / 1000, 1)} s`);
    }

    // Parse time of the largest fixture of each site, with the real parsers in Chromium.
    const largest = (sub) =>
      readdirSync(resolve('tests/fixtures', sub))
        .filter((n) => n.endsWith('.html'))
        .map((n) => ({ n, size: readFileSync(resolve('tests/fixtures', sub, n)).length }))
        .sort((a, b) => b.size - a.size)[0].n;
    for (const [site, sub, url] of [
      ['linkedin', 'linkedin', 'https://www.linkedin.com/in/mateo-quintero-vale/'],
      ['gmail', 'gmail', 'https://mail.google.com/mail/u/0/#inbox/x'],
      ['outlook', 'outlook', 'https://outlook.office.com/mail/inbox/id/x'],
    ]) {
      const name = largest(sub);
      const t = await bench.evaluate((html, u, s) => globalThis.bench.parseTimes(html, u, s), fx(`${sub}/${name}`), url, site);
      console.log(
        `parse ${site} largest fixture ${name} (${f(fx(`${sub}/${name}`).length / 1024, 0)} KiB): first ${f(t.first, 2)} ms, median ${f(t.median, 2)} ms, max ${f(t.max, 2)} ms (target ≤ 20) → ${t.kind}`,
      );
    }

    // Page load → painted, for the sidebar (`frameFile` sidebar.html) or the floor extension's empty frame.
    const paint = async (browser, url, frameFile, lookups) => {
      const page = await browser.newPage();
      await page.bringToFront(); // animation frames (the paint mark) only run in a visible tab
      const times = [];
      const parts = [];
      const seen = new WeakSet();
      for (let i = 0; i < RUNS; i++) {
        // A distinct query per run forces a real page load (a hash-only change would not reload).
        const u = new URL(url);
        u.searchParams.set('run', String(i));
        await page.goto(u.href, { waitUntil: 'domcontentloaded' });
        const ready = await page.evaluate(
          () => performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventStart,
        );
        // The previous document's frame can linger detached for a moment: wait for a live one.
        let painted;
        for (let k = 0; k < 3000 && painted === undefined; k++) {
          // The previous run's frame can stay listed for a while: only a frame not measured before.
          const frame = page
            .frames()
            .filter((fr) => fr.url().includes(`/${frameFile}`) && !fr.detached && !seen.has(fr))
            .pop();
          if (frame) {
            // An evaluate in a frame that is going away can hang: bound it.
            painted = await Promise.race([
              frame
                .evaluate(() => {
                  if (!globalThis.__rapportPainted) return undefined;
                  // Where the time went, from the frame's own marks (absolute times).
                  const at = (name) => performance.timeOrigin + (performance.getEntriesByName(name)[0]?.startTime ?? NaN);
                  const nav = performance.getEntriesByType('navigation')[0];
                  return {
                    at: globalThis.__rapportPainted.at,
                    frameStart: performance.timeOrigin,
                    docFetched: performance.timeOrigin + (nav?.responseEnd ?? NaN),
                    script: at('rapport:script-start'),
                    data: at('rapport:capture-received'),
                    direct: at('rapport:capture-direct'),
                  };
                })
                .catch(() => undefined),
              new Promise((r) => setTimeout(() => r(undefined), 500)),
            ]);
          }
          if (painted === undefined) await new Promise((r) => setTimeout(r, 10));
        }
        if (painted === undefined) {
          const frames = page
            .frames()
            .map((fr) => `${fr.url().slice(0, 60)}${fr.detached ? ' (detached)' : ''}${seen.has(fr) ? ' (seen)' : ''}`);
          throw new Error(`no ${frameFile} painted for ${url} in run ${i}; frames: ${frames.join(' | ')}`);
        }
        // The stored data (known contact or "not in Rapport yet") follows the first paint.
        if (lookups) {
          const frame = page
            .frames()
            .filter((fr) => fr.url().includes(`/${frameFile}`) && !fr.detached)
            .pop();
          const shown = await frame
            ?.waitForFunction(() => globalThis.__rapportLookupShown?.at, { timeout: 10_000, polling: 5 })
            .then((h) => h.jsonValue())
            .catch(() => undefined);
          if (shown) lookups.push(shown - ready);
        }
        for (const fr of page.frames()) seen.add(fr);
        times.push(painted.at - ready);
        parts.push({
          frameStart: painted.frameStart - ready,
          docFetched: painted.docFetched - ready,
          script: painted.script - ready,
          data: painted.data - ready,
          direct: painted.direct - ready,
        });
      }
      await page.close();
      const p50 = (k) =>
        f(
          percentile(
            parts.map((x) => x[k]),
            50,
          ),
        );
      times.breakdown =
        `  breakdown (p50, from DOM ready): frame navigation starts ${p50('frameStart')} ms, its document is fetched ${p50('docFetched')} ms, ` +
        `its script runs ${p50('script')} ms, its first data from the background (capture if read by then + settings) ${p50('data')} ms` +
        (frameFile === 'sidebar.html' ? `, the page's capture straight from the content script ${p50('direct')} ms` : '');
      return times;
    };
    // Baseline, same run: the floor any extension sidebar frame pays here — a minimal extension whose
    // document_start content script mounts an empty extension page in a frame the same way (fixed
    // iframe on <html>, web-accessible with use_dynamic_url, docked: <html> narrowed by its width as
    // sites/common/dock.ts does, app-shell rules on the mail sites), which paints one line of text.
    const floorExt = mkdtempSync(join(tmpdir(), 'rapport-floor-ext-'));
    const floorMatches = ['https://mail.google.com/*', 'https://outlook.office.com/*', 'https://www.linkedin.com/*'];
    writeFileSync(
      join(floorExt, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'empty frame (benchmark floor)',
        version: '1',
        content_scripts: [{ matches: floorMatches, js: ['cs.js'], run_at: 'document_start' }],
        web_accessible_resources: [{ resources: ['blank.html'], matches: floorMatches, use_dynamic_url: true }],
      }),
    );
    writeFileSync(
      join(floorExt, 'cs.js'),
      `const f = document.createElement('iframe');
f.src = chrome.runtime.getURL('blank.html');
f.style.cssText = 'all: initial; position: fixed; top: 0; right: 0; height: 100vh; width: 340px; z-index: 2147483646;';
document.documentElement.append(f);
const root = document.documentElement.style;
root.setProperty('width', 'calc(100% - 340px)', 'important');
root.setProperty('box-sizing', 'border-box', 'important');
if (location.hostname !== 'www.linkedin.com') {
  root.setProperty('contain', 'layout', 'important');
  root.setProperty('min-height', '100%', 'important');
}`,
    );
    writeFileSync(
      join(floorExt, 'blank.html'),
      '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="blank.js"></script></head><body><p>card</p></body></html>',
    );
    writeFileSync(
      join(floorExt, 'blank.js'),
      `performance.mark('rapport:script-start'); performance.mark('rapport:capture-received');
requestAnimationFrame(() => setTimeout(() => { globalThis.__rapportPainted = { at: performance.timeOrigin + performance.now() }; }));`,
    );
    const floor = await launch({ extraArgs: mapArgs, extensionDir: floorExt, waitForWorker: false, separateProfile: true });
    try {
      // BENCH_SITES=linkedin,gmail,outlook: only these page-load figures.
      const sites = (process.env.BENCH_SITES ?? 'linkedin,gmail,outlook').split(',');
      for (const [label, url] of [
        ['LinkedIn profile', 'https://www.linkedin.com/in/mateo-quintero-vale/'],
        ['Gmail thread', 'https://mail.google.com/mail/u/0/#inbox/18c2f4a9b7d3e601'],
        ['Outlook thread', 'https://outlook.office.com/mail/inbox/id/x'],
      ]) {
        if (!sites.some((s) => label.toLowerCase().startsWith(s))) continue;
        const lookups = [];
        const t = await paint(env.browser, url, 'sidebar.html', lookups).catch((e) => {
          console.log(`${label}: could not measure (${e.message})`);
          return [];
        });
        if (!t.length) continue;
        const base = await paint(floor.browser, url, 'blank.html');
        console.log(
          `${label}: DOM ready → first card painted (page load, sidebar frame included): p50 ${f(percentile(t, 50))} ms, p95 ${f(percentile(t, 95))} ms (target p95 ≤ 100)`,
        );
        console.log(t.breakdown);
        console.log(
          `  the stored data looked up (${C} contacts) and shown in the card: p50 ${f(percentile(lookups, 50))} ms, p95 ${f(percentile(lookups, 95))} ms from DOM ready (${lookups.length} runs)`,
        );
        console.log(
          `  baseline, an empty extension frame mounted the same way: p50 ${f(percentile(base, 50))} ms, p95 ${f(percentile(base, 95))} ms → ours adds ` +
            `${f(percentile(t, 50) - percentile(base, 50))} ms at p50, ×${f(percentile(t, 95) / percentile(base, 95), 2)} at p95`,
        );
        console.log(base.breakdown);
      }
    } finally {
      await floor.close();
      rmSync(floorExt, { recursive: true, force: true });
    }

    // In-app navigation: the sidebar is already there; the URL changes and the thread is swapped.
    const spaPage = await env.browser.newPage();
    await spaPage.goto('https://mail.google.com/mail/u/9/#inbox/18c2f4a9b7d3e601');
    let frame;
    for (let k = 0; k < 500 && !frame; k++) {
      frame = spaPage.frames().find((fr) => fr.url().includes('/sidebar.html'));
      if (!frame) await new Promise((r) => setTimeout(r, 10));
    }
    await frame.waitForFunction(() => globalThis.__rapportPainted !== undefined, { timeout: 30_000 });
    const nav = [];
    for (let i = 0; i < RUNS; i++) {
      const target = (i + 1) % 2;
      const before = await frame.evaluate(() => globalThis.__rapportPainted.at);
      const t0 = await spaPage.evaluate((n) => globalThis.__swap(n), target);
      await frame.waitForFunction((b) => globalThis.__rapportPainted.at > b, { timeout: 30_000 }, before);
      nav.push((await frame.evaluate(() => globalThis.__rapportPainted.at)) - t0);
    }
    console.log(
      `Gmail in-app navigation: URL change → new thread's cards painted: p50 ${f(percentile(nav, 50))} ms, p95 ${f(percentile(nav, 95))} ms (target p95 ≤ 100)`,
    );
    await spaPage.close();
  }

  // Content script sizes.
  const ext = resolve(process.env.RAPPORT_BENCH_EXT ?? '.output/test-chrome-mv3', 'content-scripts');
  for (const file of readdirSync(ext)) {
    const buf = readFileSync(join(ext, file));
    console.log(
      `content script ${file}: ${f(buf.length / 1024, 1)} kB, ${f(gzipSync(buf, { level: 9 }).length / 1024, 1)} kB gzip (LinkedIn/Outlook target ≤ 40)`,
    );
  }

  // Main-thread time added to a page that is not capturable: the LinkedIn feed in a browser with the
  // extension and in one without, loads alternating between the two (same machine state). Per load,
  // from CDP Performance.getMetrics: ScriptDuration (all JavaScript run for the document, the
  // content script's isolated world included) and TaskDuration (all main-thread work).
  const plain = await launch({ extraArgs: [...mapArgs], noExtension: true });
  try {
    const open = async (browser) => {
      const page = await browser.newPage();
      const cdp = await page.createCDPSession();
      await cdp.send('Performance.enable');
      return { page, cdp, script: [], task: [] };
    };
    const withExt = await open(env.browser);
    const without = await open(plain.browser);
    const load = async (m, i, keep) => {
      await m.page.goto(`https://www.linkedin.com/feed/?run=${i}`, { waitUntil: 'load' });
      await new Promise((r) => setTimeout(r, 400)); // let the content script's later tasks run
      const x = Object.fromEntries((await m.cdp.send('Performance.getMetrics')).metrics.map((v) => [v.name, v.value]));
      if (keep) {
        m.script.push(x.ScriptDuration * 1000);
        m.task.push(x.TaskDuration * 1000);
      }
    };
    for (let i = 0; i < RUNS + 2; i++) {
      // The first two loads of each browser warm it up (code cache of the content script).
      await load(withExt, i, i >= 2);
      await load(without, i, i >= 2);
    }
    const p50 = (a) => percentile(a, 50);
    const addedScript = p50(withExt.script) - p50(without.script);
    console.log(
      `LinkedIn feed (not capturable), per page load, p50 of ${RUNS} alternating loads: script time with extension ${f(p50(withExt.script), 2)} ms, ` +
        `without ${f(p50(without.script), 2)} ms → added ${f(addedScript, 2)} ms (target ≤ 5); all main-thread work with ${f(p50(withExt.task), 1)} ms, ` +
        `without ${f(p50(without.task), 1)} ms (×${f(p50(withExt.task) / p50(without.task), 2)})`,
    );

    // Where the content script's time goes: a trace of a few loads (tracing itself slows them).
    // compile = V8 compiling the script's top level (code-cached after the first loads; functions
    // compile lazily when first called, inside evaluation); evaluation = running its top level and
    // main() (EvaluateScript minus that compile); callbacks = its later tasks (message replies,
    // timers, observers): the JavaScript on the same thread outside the evaluation — the feed page
    // itself runs no script.
    const TRACE_RUNS = 5;
    await withExt.page.tracing.start({ categories: ['devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.compile'] });
    for (let i = 0; i < TRACE_RUNS; i++) await load(withExt, RUNS + 2 + i, false);
    const trace = JSON.parse(new TextDecoder().decode(await withExt.page.tracing.stop()));
    const ours = (e) => String(e.args?.data?.url ?? e.args?.fileName ?? '').startsWith('chrome-extension://');
    const events = (trace.traceEvents ?? []).filter((e) => e.ph === 'X');
    const evaluations = events.filter((e) => e.name === 'EvaluateScript' && ours(e));
    const threads = new Set(evaluations.map((e) => `${e.pid}:${e.tid}`));
    const within = (e, o) => o !== e && o.pid === e.pid && o.tid === e.tid && e.ts >= o.ts && e.ts + e.dur <= o.ts + o.dur;
    const ms = (list) => list.reduce((t, e) => t + e.dur, 0) / 1000 / TRACE_RUNS;
    const compile = ms(events.filter((e) => e.name === 'v8.compile' && ours(e)));
    const js = events.filter((e) => (e.name === 'FunctionCall' || e.name === 'RunMicrotasks') && threads.has(`${e.pid}:${e.tid}`));
    const callbacks = js.filter((e) => !evaluations.some((o) => within(e, o)) && !js.some((o) => within(e, o)));
    console.log(
      `  where it goes (traced, ${TRACE_RUNS} loads, per load): compile ${f(compile, 2)} ms, evaluation ${f(ms(evaluations) - compile, 2)} ms, ` +
        `later callbacks ${f(ms(callbacks), 2)} ms (${f(callbacks.length / TRACE_RUNS, 1)} per load)`,
    );
  } finally {
    await plain.close();
  }
} finally {
  await env.close();
  server.close();
}
