#!/usr/bin/env node
// Writes the Gmail fixture pages under tests/fixtures/gmail/, deterministically (no clock, no
// randomness): the same script always writes the same bytes. Run: node scripts/make-mail-fixtures.mjs
//
// The markup follows the hooks listed in DOM-NOTES.md (h2.hP with thread ids, div.adn messages
// with .h7 expanded / .kv collapsed / .kQ not loaded, span.gD sender, span.g2 recipients,
// span.g3[title] date, div.a3s body, tr.zA list rows). No real Gmail page is public, so these
// are constructed pages, not captures. All people, companies and domains are invented.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'tests/fixtures/gmail');
const HEADER = 'Constructed 2026-11 from the hooks in DOM-NOTES.md (no real Gmail/Outlook page is public); not a capture.';

/** HTML-escapes text and attribute values: what the page shows as text stays text. */
const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

// -- people ---------------------------------------------------------------------------------------
const P = {
  dana: { name: 'Dana Whitfield', email: 'dana.whitfield@acme.test' }, // the signed-in user
  ben: { name: 'Ben Okafor', email: 'ben.okafor@acme.test' },
  marco: { name: 'Marco Rossi', email: 'marco.rossi@globex.example.de' },
  sabine: { name: 'Sabine Krüger', email: 'sabine.krueger@globex.example.de' },
  priya: { name: 'Priya Natarajan', email: 'priya.natarajan@initech.example.co.uk' },
  lena: { name: 'Lena Fischer', email: 'lena.fischer@example.com' },
  tanaka: { name: '田中 太郎', email: 'tanaka.taro@nihon-shoji.example.jp' },
  alali: { name: 'محمد العلي', email: 'm.alali@gulf-trading.example.ae' },
  jose: { name: 'José Álvarez-Núñez', email: 'jose.alvarez@iberia-ventas.example.es' },
  zoe: { name: 'Zoë Łukasiewicz-Ørsted', email: 'zoe.orsted@example.com' },
  xss: { name: '<img src=x onerror=alert(1)>', email: 'billing@evil.example' },
};
const USER = P.dana;
const firstName = (p) => (p.email === USER.email ? 'me' : p.name.split(' ')[0]);

// -- markup pieces --------------------------------------------------------------------------------
const chip = (cls, p, text = p.name) =>
  `<span email="${esc(p.email)}" name="${esc(p.name)}" data-hovercard-id="${esc(p.email)}" class="${cls}">${esc(text)}</span>`;

function detailsTable(m) {
  const row = (label, inner) =>
    `<tr class="ajv"><td colspan="2" tabindex="0" class="gG"><span class="gI">${label}</span></td><td colspan="2" tabindex="0" class="gL"><span class="gI">${inner}</span></td></tr>`;
  const people = (list) => list.map((p) => `${chip('g2', p)} <span class="go">&lt;${esc(p.email)}&gt;</span>`).join(', ');
  return `<div class="ajA SK" style="display: none;"><table class="ajC" cellpadding="0"><tbody>
${row('from:', `<span translate="no" class="qu">${chip('gD', m.from)} <span class="go">&lt;${esc(m.from.email)}&gt;</span></span>`)}
${row('to:', people(m.to))}
${m.cc?.length ? row('cc:', people(m.cc)) : ''}
${row('date:', esc(m.date))}
${row('subject:', esc(m.subject ?? ''))}
</tbody></table></div>`;
}

function recipientLine(m) {
  // "to me, Ben" then, without a details table, "cc: Sabine" in the same line.
  const to = m.to.map((p) => chip('g2', p, firstName(p))).join(', ');
  const cc = !m.details && m.cc?.length ? `, cc: ${m.cc.map((p) => chip('g2', p, firstName(p))).join(', ')}` : '';
  // `m.plainLine`: the chips sit in a wrapper other than span.hb / div.ajw (a header variant).
  if (m.plainLine) return `<div class="iw"><div class="aHl"><span>to <span>${to}</span>${cc}</span></div></div>`;
  return `<div class="iw ajw"><span class="hb">to ${to}${cc}</span><div aria-label="Show details" role="button" tabindex="0" class="ajy"></div></div>`;
}

function senderCell(m) {
  return `<td class="gF gK"><table class="cf ix" role="presentation"><tbody><tr><td class="c2"><h3 class="iw"><span class="qu" tabindex="-1">${chip('gD', m.from)} <span class="go"><span aria-hidden="true">&lt;</span>${esc(m.from.email)}<span aria-hidden="true">&gt;</span></span></span></h3></td></tr></tbody></table></td>`;
}

function dateCell(m) {
  return `<td class="gH bAk"><div class="gK"><span class="g3" title="${esc(m.date)}" alt="${esc(m.date)}" role="gridcell" tabindex="-1">${esc(m.shortDate ?? m.date)}</span></div></td>`;
}

function message(m) {
  const ids = `data-message-id="#msg-f:${m.permId}" data-legacy-message-id="${m.id}"`;
  if (m.state === 'not-loaded') {
    return `<div role="listitem"><div class="adn ads kQ" ${ids}></div></div>`;
  }
  if (m.state === 'collapsed') {
    return `<div role="listitem"><div class="adn ads kv" ${ids} tabindex="-1">
  <div class="gs"><div class="gE iv gt"><table class="cf gJ" role="presentation"><tbody><tr class="acZ">${senderCell(m)}${dateCell(m)}</tr></tbody></table>
  <div class="iA g6">${esc(m.snippet)}</div></div></div>
</div></div>`;
  }
  return `<div role="listitem"><div class="adn ads h7" ${ids} tabindex="-1">
  <div class="gs">
    <div class="gE iv gt"><table class="cf gJ" role="presentation"><tbody>
      <tr class="acZ">${senderCell(m)}${dateCell(m)}</tr>
      <tr class="acZ xD"><td colspan="3"><table class="cf adz" role="presentation"><tbody><tr><td class="ady">${recipientLine(m)}${m.details ? detailsTable(m) : ''}</td></tr></tbody></table></td></tr>
    </tbody></table></div>
    <div class="ii gt"><div class="a3s aiL">${m.body}</div></div>
  </div>
</div></div>`;
}

function thread(t) {
  const msgs = t.messages.map((m) => message({ ...m, subject: t.subject })).join('\n');
  return `<div class="nH" data-conversation="${t.id}"${t.hidden ? ' style="display: none;"' : ''}>
  <div class="nH V8djrc byY"><div class="nH"><div class="ha"><h2 class="hP" data-thread-perm-id="thread-f:${t.permId}" data-legacy-thread-id="${t.id}" tabindex="-1">${esc(t.subject)}</h2></div></div></div>
  <div class="nH"><div class="Bu"><div class="nH if" role="list">
${msgs}
  </div></div></div>
</div>`;
}

function page({ title, lang = 'en', main, note, hiddenMain }) {
  return `<!DOCTYPE html>
<!-- ${HEADER}
     Written by scripts/make-mail-fixtures.mjs — edit the script, not this file.${note ? `\n     ${note}` : ''} -->
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>body{font-family:Arial,sans-serif;margin:0}.aeN{width:240px;float:left}.bkK{margin-left:250px}.hP{font-size:22px;font-weight:400}.adn{border-bottom:1px solid #eee;padding:8px 0}.iA{color:#5f6368}</style>
</head>
<body>
<div class="nH" id=":1">
  <header class="gb_Ra" role="banner">
    <a class="gb_B" href="https://mail.google.com/mail/u/0/#inbox" title="Gmail">Gmail</a>
    <form role="search" aria-label="Search mail"><input aria-label="Search mail" name="q" type="text"></form>
    <a class="gb_A gb_Za" aria-label="Google Account: ${esc(USER.name)}  &#10;(${esc(USER.email)})" href="https://accounts.google.com/SignOutOptions?hl=en&amp;continue=https://mail.google.com/mail/" role="button" tabindex="0">DW</a>
  </header>
  <div class="aeN" role="navigation" aria-label="Labels">
    <div class="TK"><a href="https://mail.google.com/mail/u/0/#inbox" aria-label="Inbox 3 unread">Inbox</a>
    <a href="https://mail.google.com/mail/u/0/#starred">Starred</a>
    <a href="https://mail.google.com/mail/u/0/#sent">Sent</a></div>
  </div>
${hiddenMain ? `  <div class="nH bkK" role="main" style="display: none;">\n${hiddenMain}\n  </div>\n` : ''}  <div class="nH bkK" role="main">
${main}
  </div>
</div>
</body>
</html>
`;
}

// -- bodies ---------------------------------------------------------------------------------------
const lines = (...ls) => ls.join('<br>');
const divs = (...ls) => ls.map((l) => (l === '' ? '<div><br></div>' : `<div>${l}</div>`)).join('');
const gmailSig = (...ls) =>
  `<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr">${divs(...ls)}</div></div>`;
const gmailQuote = (attribution, inner) =>
  `<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">${attribution}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${inner}</blockquote></div>`;
const mailto = (p) => `&lt;<a href="mailto:${esc(p.email)}">${esc(p.email)}</a>&gt;`;

const DANA_SIG = gmailSig(
  'Dana Whitfield',
  'Account Executive, Acme Corp',
  '+1 (415) 555-0134',
  '<a href="https://www.linkedin.com/in/dana-whitfield/">LinkedIn</a> · <a href="https://www.acme.test/">acme.test</a>',
);

// -- 1. three messages with cc --------------------------------------------------------------------
const marcoBody = `<div dir="ltr">${divs(
  'Hi Dana,',
  '',
  'we&#39;d like to renew our platform licences for another year and add 25 seats for the Munich team. Could you send us an updated quote by Friday?',
  '',
  'Best regards,',
  'Marco Rossi',
  'Head of Procurement | Globex GmbH',
  'T: +49 89 1234 5670',
  'M: 0151 23456789',
  '<a href="https://www.linkedin.com/in/marco-rossi-globex/">linkedin.com/in/marco-rossi-globex</a>',
  '<a href="https://www.globex.example.de">www.globex.example.de</a>',
)}</div>`;
const danaReply = `<div dir="ltr">${divs(
  'Hi Marco,',
  '',
  'thanks for the quick turnaround. The updated quote for 125 seats is attached; the 25 new seats are pro-rated from March 1.',
  '',
  'Ben (in cc) will set up the Munich workspace once the order form is signed.',
  '',
  'Best,',
  'Dana',
  '',
)}${DANA_SIG}</div>${gmailQuote(`On Mon, Nov 2, 2026 at 9:41 AM Marco Rossi ${mailto(P.marco)} wrote:`, marcoBody)}`;
const sabineBody = lines(
  'Hallo Dana,',
  '',
  'thanks – the quote looks good. I&#39;ve attached the signed order form; please confirm the start date for the Munich seats.',
  '',
  '-- ',
  'Sabine Krüger',
  'Leiterin Einkauf bei Globex GmbH',
  'Tel. +49 (0)89 1234 5671',
  'Fax +49 89 1234 5699',
  '<a href="https://de.linkedin.com/in/sabine-kr%C3%BCger-4711">https://de.linkedin.com/in/sabine-kr%C3%BCger-4711</a>',
  '',
  `On Mon, Nov 2, 2026 at 2:05 PM Dana Whitfield &lt;${P.dana.email}&gt; wrote:`,
  '&gt; Hi Marco,',
  '&gt; thanks for the quick turnaround. The updated quote for 125 seats is attached.',
  '&gt; Best,',
  '&gt; Dana',
);

const THREE = {
  id: '18c2f4a9b7d3e601',
  permId: '1783629384756201473',
  subject: 'Q1 renewal – Globex platform licences',
  messages: [
    {
      id: '18c2f4a9b7d3e601',
      permId: '1783629384756201473',
      state: 'expanded',
      details: true,
      from: P.marco,
      to: [P.dana],
      cc: [P.ben, P.sabine],
      date: 'Mon, Nov 2, 2026, 9:41 AM',
      shortDate: 'Nov 2, 2026, 9:41 AM',
      body: marcoBody,
    },
    {
      id: '18c2f7c1d20a9b44',
      permId: '1783632871154105156',
      state: 'expanded',
      details: true,
      from: P.dana,
      to: [P.marco],
      cc: [P.ben, P.sabine],
      date: 'Mon, Nov 2, 2026, 2:05 PM',
      shortDate: 'Nov 2, 2026, 2:05 PM',
      body: danaReply,
    },
    {
      id: '18c33b0e5f6a7c89',
      permId: '1783707412396702857',
      state: 'expanded',
      details: false,
      from: P.sabine,
      to: [P.dana],
      cc: [P.marco, P.ben],
      date: 'Tue, Nov 3, 2026, 8:12 AM',
      shortDate: '8:12 AM (2 hours ago)',
      body: sabineBody,
    },
  ],
};

// -- 2. collapsed messages ------------------------------------------------------------------------
const priyaBody = lines(
  'Hi Dana,',
  '',
  'the pilot plan works for us. Two questions from our IT team: can we use our own SSO provider, and where is the data hosted?',
  '',
  'Kind regards,',
  'Priya Natarajan',
  'Director of Operations',
  'Initech Ltd',
  'Mobile: 07911 123456',
  'Office: 020 7946 0958',
  'linkedin.com/in/priyanatarajan',
  '',
  '________________________________',
  `From: Dana Whitfield &lt;${P.dana.email}&gt;`,
  'Sent: 27 October 2026 10:02',
  `To: Priya Natarajan &lt;${P.priya.email}&gt;`,
  'Subject: Pilot kickoff – Initech',
  '',
  'Hi Priya, please find the pilot plan attached.',
);
const COLLAPSED = {
  id: '18b9a0c3e4f51627',
  permId: '1781234567890123456',
  subject: 'Pilot kickoff – Initech',
  messages: [
    { id: '18b9a0c3e4f51627', permId: '1781234567890123456', state: 'not-loaded' },
    { id: '18b9a1d4f5061738', permId: '1781235678901234567', state: 'not-loaded' },
    {
      id: '18b9a2e506172849',
      permId: '1781236789012345678',
      state: 'collapsed',
      from: P.priya,
      date: 'Mon, Oct 26, 2026, 4:30 PM',
      shortDate: 'Oct 26',
      snippet: 'Thanks Dana – Tuesday works for our team. Could we start at 10:00 UK time?',
    },
    {
      id: '18b9a3f61728394a',
      permId: '1781237890123456789',
      state: 'collapsed',
      from: P.dana,
      date: 'Tue, Oct 27, 2026, 10:02 AM',
      shortDate: 'Oct 27',
      snippet: 'Hi Priya, please find the pilot plan attached.',
    },
    {
      id: '18b9a5072839405b',
      permId: '1781238901234567890',
      state: 'expanded',
      details: false,
      from: P.ben,
      to: [P.dana],
      cc: [],
      date: 'Tue, Oct 27, 2026, 11:45 AM',
      shortDate: 'Oct 27',
      body: divs('Dana, FYI: Initech asked about SSO last year too – they use Okta. I can join the call.', '', 'Ben'),
    },
    {
      id: '18b9a618394a516c',
      permId: '1781239012345678901',
      state: 'expanded',
      details: false,
      from: P.priya,
      to: [P.dana],
      cc: [P.ben],
      date: 'Wed, Oct 28, 2026, 9:05 AM',
      shortDate: '9:05 AM',
      body: priyaBody,
    },
  ],
};

// -- 3. a hidden previous conversation, then the visible one --------------------------------------
const OLD = {
  id: '18a1b2c3d4e5f607',
  permId: '1779000000000000001',
  subject: 'Invoice 4471 – payment reminder',
  hidden: true,
  messages: [
    {
      id: '18a1b2c3d4e5f607',
      permId: '1779000000000000001',
      state: 'expanded',
      details: false,
      from: P.marco,
      to: [P.dana],
      cc: [],
      date: 'Thu, Oct 1, 2026, 3:00 PM',
      body: divs('Dana, invoice 4471 is still open.', '', 'Marco'),
    },
  ],
};
const lenaBody = `<div dir="ltr">${divs(
  'Hi Dana,',
  '',
  'thanks for the demo yesterday. Our team would like to see the reporting module in more detail – could we do Thursday at 3pm ET?',
  '',
  'Cheers,',
  'Lena Fischer',
  'VP Sales at Umbrella Analytics',
  'Phone: +1 212 555 0187',
  'www.umbrella-analytics.example',
)}</div>`;
const VISIBLE = {
  id: '18c4d5e6f7a8b9c0',
  permId: '1783801122334455667',
  subject: 'Demo follow-up: reporting module',
  messages: [
    {
      id: '18c4d5e6f7a8b9c0',
      permId: '1783801122334455667',
      state: 'expanded',
      details: false,
      from: P.lena,
      to: [P.dana],
      cc: [],
      date: 'Wed, Nov 4, 2026, 5:20 PM',
      body: lenaBody,
    },
  ],
};

// -- 4. non-ASCII names (en-GB dates) -------------------------------------------------------------
const tanakaBody = lines(
  'Dana様',
  '',
  'いつもお世話になっております。来年度のライセンスについて、40席分のお見積もりをお願いできますでしょうか。',
  'We would like a quote for 40 seats, please.',
  '',
  'よろしくお願いいたします。',
  '田中 太郎',
  '営業部長 | 日本商事株式会社',
  'Tel: 03-1234-5678',
  'linkedin.com/in/taro-tanaka-jp',
);
const alaliBody = `<div dir="rtl">${lines(
  'شكراً دانا، نحن مهتمون أيضاً بالعرض.',
  '',
  'مع التحية،',
  'محمد العلي',
  'مدير المبيعات، شركة الخليج للتجارة',
  'هاتف: +971 4 123 4567',
  'https://www.linkedin.com/in/mohammed-alali',
)}</div>`;
const joseBody = lines(
  'Hola Dana,',
  '',
  'nos sumamos a la propuesta para España. ¿Podemos hablar el lunes?',
  '',
  'Saludos cordiales,',
  'José Álvarez-Núñez',
  'Director Comercial – Iberia Ventas S.L.',
  'Móvil: 612 345 678',
  '<a href="https://es.linkedin.com/in/jos%C3%A9-%C3%A1lvarez-n%C3%BA%C3%B1ez">LinkedIn</a>',
);
const NON_ASCII = {
  id: '18d0e1f2a3b4c5d6',
  permId: '1784400000000000002',
  subject: '見積もりのご依頼 / Angebot für Zusammenarbeit – عرض سعر',
  messages: [
    {
      id: '18d0e1f2a3b4c5d6',
      permId: '1784400000000000002',
      state: 'expanded',
      details: false,
      from: P.tanaka,
      to: [P.dana],
      cc: [P.jose],
      date: '2 Nov 2026, 10:14',
      body: tanakaBody,
    },
    {
      id: '18d0e2a3b4c5d6e7',
      permId: '1784400000000000003',
      state: 'expanded',
      details: false,
      from: P.dana,
      to: [P.tanaka],
      cc: [P.jose, P.alali, P.zoe],
      date: '2 Nov 2026, 16:30',
      body: `<div dir="ltr">${divs('Dear Tanaka-san,', '', 'the quote for 40 seats is attached. I have copied José, Mohammed and Zoë, who asked for the same offer.', '', 'Best regards,', 'Dana', '')}${DANA_SIG}</div>${gmailQuote(`On Mon, 2 Nov 2026 at 10:14, 田中 太郎 ${mailto(P.tanaka)} wrote:`, tanakaBody)}`,
    },
    {
      id: '18d0e3b4c5d6e7f8',
      permId: '1784400000000000004',
      state: 'expanded',
      details: false,
      from: P.alali,
      to: [P.dana],
      cc: [],
      date: '3 Nov 2026, 07:05',
      body: alaliBody,
    },
    {
      id: '18d0e4c5d6e7f809',
      permId: '1784400000000000005',
      state: 'expanded',
      details: false,
      from: P.jose,
      to: [P.dana],
      cc: [P.zoe],
      date: '3 Nov 2026, 09:40',
      body: joseBody,
    },
  ],
};

// -- 5. XSS as text -------------------------------------------------------------------------------
const XSS_SUBJECT = '<img src=x onerror=alert(document.domain)> Invoice overdue';
const XSS = {
  id: '18e1f2a3b4c5d6e7',
  permId: '1785500000000000006',
  subject: XSS_SUBJECT,
  messages: [
    {
      id: '18e1f2a3b4c5d6e7',
      permId: '1785500000000000006',
      state: 'expanded',
      details: false,
      from: P.xss,
      to: [P.dana],
      cc: [{ name: '"><script>alert(2)</script>', email: 'cc@evil.example' }],
      date: 'Thu, Nov 5, 2026, 11:00 AM',
      body: divs(
        'Pay now: ' + esc('<script>alert("body")</script>'),
        '<a href="javascript:alert(3)">open invoice</a>',
        '',
        'Regards,',
        esc('<img src=x onerror=alert(4)>'),
      ),
    },
  ],
};

// -- 6. 200 messages ------------------------------------------------------------------------------
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Mon, Jan 5, 2026, 9:00 AM" for minutes after 2026-01-05 09:00, computed without time zones. */
function gmailDate(minutes) {
  const d = new Date(Date.UTC(2026, 0, 5, 9, 0) + minutes * 60_000);
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hh}:${mm} ${h < 12 ? 'AM' : 'PM'}`;
}
const CAST = [P.marco, P.dana, P.ben, P.priya, P.dana, P.lena, P.sabine, P.dana];
const SIGS = {
  [P.marco.email]: ['Best regards,', 'Marco Rossi', 'Head of Procurement | Globex GmbH', 'T: +49 89 1234 5670'],
  [P.ben.email]: ['Thanks,', 'Ben Okafor', 'Solutions Engineer, Acme Corp', 'M: +1 415 555 0177'],
  [P.priya.email]: ['Kind regards,', 'Priya Natarajan', 'Director of Operations', 'Initech Ltd', 'Office: 020 7946 0958'],
  [P.lena.email]: ['Cheers,', 'Lena Fischer', 'VP Sales at Umbrella Analytics', 'Phone: +1 212 555 0187'],
  [P.sabine.email]: ['Viele Grüße', 'Sabine Krüger', 'Leiterin Einkauf bei Globex GmbH', 'Tel. +49 89 1234 5671'],
};
function bigThread() {
  const messages = [];
  let minutes = 0;
  for (let i = 0; i < 200; i++) {
    minutes += 97 + ((i * 37) % 240);
    const from = CAST[i % CAST.length];
    const prev = CAST[(i + CAST.length - 1) % CAST.length];
    const to = from.email === prev.email ? [P.dana] : [prev];
    const cc = i % 3 === 0 ? [P.ben].filter((p) => p.email !== from.email) : [];
    const n = String(i + 1).padStart(3, '0');
    const id = (0x18f0000000000000n + BigInt(i) * 0x1000193n).toString(16);
    const permId = (1786000000000000000n + BigInt(i) * 7919n).toString();
    const date = gmailDate(minutes);
    const text = `Update ${n}: milestone ${(i % 12) + 1} of the Globex rollout is ${i % 4 === 0 ? 'done' : 'on track'}. Open items: ${(i * 7) % 13} tickets, ${(i * 3) % 5} blockers.`;
    if (i % 4 === 1 && i < 196) {
      messages.push({ id, permId, state: 'collapsed', from, date, snippet: text });
      continue;
    }
    const sig = from.email === USER.email ? DANA_SIG : divs('', ...(SIGS[from.email] ?? ['Thanks,', from.name]));
    const quote = i
      ? gmailQuote(
          `On ${gmailDate(minutes - 97)} ${esc(prev.name)} ${mailto(prev)} wrote:`,
          divs(`Update ${String(i).padStart(3, '0')}: see the status page for details.`, 'Thanks'),
        )
      : '';
    messages.push({
      id,
      permId,
      state: 'expanded',
      details: i % 10 === 0,
      from,
      to,
      cc,
      date,
      body: `<div dir="ltr">${divs(`Hi ${to[0].name.split(' ')[0]},`, '', text, '', 'Notes from the call are in the shared folder.')}${sig}</div>${quote}`,
    });
  }
  return { id: '18f0000000000000', permId: '1786000000000000000', subject: 'Globex rollout – weekly status (200 updates)', messages };
}

// -- list and empty pages -------------------------------------------------------------------------
function listRow({ unread, from, subject, snippet, date, title }) {
  return `<tr class="zA ${unread ? 'zE' : 'yO'}" role="row" tabindex="-1">
  <td class="oZ-x3 xY"><div role="checkbox" aria-checked="false"></div></td>
  <td class="yX xY"><div class="yW"><span class="${unread ? 'zF' : 'yP'}" email="${esc(from.email)}" name="${esc(from.name)}">${esc(from.name)}</span></div></td>
  <td class="xY a4W"><div class="xS" role="link"><div class="xT"><div class="y6"><span class="bog"><span>${esc(subject)}</span></span></div><span class="y2"> - ${esc(snippet)}</span></div></div></td>
  <td class="xW xY"><span title="${esc(title)}" aria-label="${esc(title)}"><span>${esc(date)}</span></span></td>
</tr>`;
}
const INBOX_MAIN = `<div class="nH" data-view="thread-list"><div class="Cp"><table class="F cf zt" role="grid"><tbody>
${listRow({ unread: true, from: P.sabine, subject: THREE.subject, snippet: 'thanks – the quote looks good.', date: '8:12 AM', title: 'Tue, Nov 3, 2026, 8:12 AM' })}
${listRow({ unread: true, from: P.lena, subject: VISIBLE.subject, snippet: 'thanks for the demo yesterday.', date: 'Nov 4', title: 'Wed, Nov 4, 2026, 5:20 PM' })}
${listRow({ unread: false, from: P.priya, subject: COLLAPSED.subject, snippet: 'the pilot plan works for us.', date: 'Oct 28', title: 'Wed, Oct 28, 2026, 9:05 AM' })}
</tbody></table></div></div>`;
const EMPTY_MAIN = `<div class="nH" data-view="thread-list"><div class="Cp"><table class="F cf zt" role="grid"><tbody></tbody></table>
<div class="TC">No new mail! Your Primary tab is empty.</div></div></div>`;

// -- write ----------------------------------------------------------------------------------------
const threadPage = (t, extra = {}) => page({ title: `${t.subject} - ${USER.email} - Gmail`, main: thread(t), ...extra });

const FILES = {
  'thread-3-messages-cc.html': threadPage(THREE),
  'thread-collapsed.html': threadPage(COLLAPSED),
  'thread-hidden-previous.html': page({
    title: `${VISIBLE.subject} - ${USER.email} - Gmail`,
    main: `${thread(OLD)}\n${thread(VISIBLE)}`,
    note: 'The first conversation is one opened earlier: Gmail keeps it in the DOM, hidden (display: none).',
  }),
  // Built from thread-hidden-previous.html's two conversations: here the earlier view is a whole
  // hidden main region that comes first, and the open message's chips sit in an unfamiliar wrapper.
  'thread-hidden-main.html': page({
    title: `${VISIBLE.subject} - ${USER.email} - Gmail`,
    hiddenMain: thread({ ...OLD, hidden: false }),
    main: thread({ ...VISIBLE, messages: VISIBLE.messages.map((m) => ({ ...m, cc: [P.ben], plainLine: true })) }),
    note: 'Built from thread-hidden-previous.html: the earlier view is a whole [role="main"] region, hidden and first in the document; the open message’s recipient chips (to Dana, cc Ben) sit in a wrapper other than span.hb.',
  }),
  'thread-non-ascii.html': threadPage(NON_ASCII, { lang: 'en-GB' }),
  'thread-xss.html': threadPage(XSS, {
    note: 'Names, subject and body hold markup as *text* (entity-escaped): a parser must keep it literally.',
  }),
  'thread-200-messages.html': (() => {
    const t = bigThread();
    const collapsed = t.messages.filter((m) => m.state === 'collapsed').length;
    return threadPage(t, { note: `${t.messages.length} messages: ${t.messages.length - collapsed} expanded, ${collapsed} collapsed.` });
  })(),
  'inbox-list.html': page({ title: `Inbox (3) - ${USER.email} - Gmail`, main: INBOX_MAIN }),
  'empty-inbox.html': page({ title: `Inbox - ${USER.email} - Gmail`, main: EMPTY_MAIN }),
};

mkdirSync(OUT, { recursive: true });
for (const [name, html] of Object.entries(FILES)) {
  writeFileSync(join(OUT, name), html);
  console.log(`wrote tests/fixtures/gmail/${name} (${html.length} chars)`);
}
