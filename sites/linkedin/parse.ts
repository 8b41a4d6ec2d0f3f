// Pure LinkedIn page parser: (document, URL) → a capture, or a NotCapturable that says why not. No globals, no network, no layout: it runs the same in the content script and
// under jsdom in the unit tests. Text is only ever read through `textContent`.
//
// Order of decisions:
//   1. the URL must be a linkedin.com page;
//   2. "Profile Not Found" pages → not-found; anti-bot / sign-in walls → auth-wall;
//   3. the URL path says the kind: /in/<id>/ profile, /company/<slug>/ company, /sales/lead/… or
//      Recruiter lead; anything else (feed, jobs, search…) → not-a-profile-page;
//   4. the markup generation is recognised from the name element (logged-in, public, 2016) and
//      each field is read with that generation's selectors (all in selectors.ts);
//   5. a missing required field (name, public id, company name) → missing-field naming the field
//      and the selectors tried: never a half-filled capture;
//   6. every text is clipped to LINKEDIN_LIMITS; the receivers check the result against
//      capture/linkedin-schema.ts (this runs in the content script, which carries no zod).
import { linkedinUrnsIn, normalizeDomain, normalizeLinkedinUrl, normalizeLinkedinUrn } from '../../storage/normalize';
import {
  MissingElementError,
  clip,
  compact,
  closestMatch,
  elementMatches,
  hasClass,
  selectAll,
  selectFirst,
  oneLine,
  selectLimited,
  specQueries,
  textOf,
  type SelectorSpec,
} from '../common/selector-spec';
import { cleanDisplayName, splitName } from '../common/person-name';
import {
  LINKEDIN_LIMITS as LIM,
  type LinkedinCapture,
  type LinkedinCompanyCapture,
  type LinkedinEducation,
  type LinkedinExperience,
  type LinkedinLeadCapture,
  type LinkedinProfileCapture,
  type NotCapturable,
  type NotCapturableReason,
} from '../../capture/linkedin';
import {
  AUTH_WALL,
  COMPANY,
  LEAD,
  LOGGED_IN_SECTIONS as LI,
  NOT_FOUND,
  PROFILE,
  PUBLIC_SECTIONS as PUB,
  RECRUITER,
  SDUI,
  TITLE_NOT_FOUND,
  URL_PATTERNS,
} from './selectors';

// LinkedIn's selectors need attribute operators and combinators: the compiled engine.
const { queryAll, queryFirst } = specQueries(selectLimited);

export type { LinkedinCapture, NotCapturable } from '../../capture/linkedin';

/** Parses a LinkedIn page. `url` is the page's address (location.href in the content script). */
export function parseLinkedinPage(doc: Document, url: string): LinkedinCapture | NotCapturable {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return notCapturable('not-a-profile-page', `not a URL: ${clip(url, 200)}`);
  }
  if (!/(^|\.)linkedin\.com$/i.test(u.hostname)) {
    return notCapturable('not-a-profile-page', `not a LinkedIn page: ${u.hostname}`);
  }
  const path = u.pathname;

  if (queryFirst(doc, NOT_FOUND) || TITLE_NOT_FOUND.test(titleOf(doc))) {
    return notCapturable('not-found', 'LinkedIn shows “Profile Not Found”: the profile does not exist or is not public');
  }
  if (URL_PATTERNS.authWall.test(path)) {
    return notCapturable('auth-wall', `LinkedIn asks to sign in (${path})`);
  }
  if (isAntiBotPage(doc)) {
    return notCapturable('auth-wall', 'LinkedIn served its anti-bot page (meta refresh, empty body) instead of the profile');
  }

  let kind: 'profile' | 'company' | 'lead-sales' | 'lead-recruiter';
  if (URL_PATTERNS.profile.test(path) && !/^\/in\/[^/]+\/(?:details|recent-activity)\//i.test(path)) kind = 'profile';
  else if (URL_PATTERNS.company.test(path)) kind = 'company';
  else if (URL_PATTERNS.salesLead.test(path)) kind = 'lead-sales';
  else if (URL_PATTERNS.recruiter.test(path)) kind = 'lead-recruiter';
  else return notCapturable('not-a-profile-page', `not a profile, company or lead page: ${clip(path, 200)}`);

  let result: LinkedinCapture;
  try {
    if (kind === 'profile') result = parseProfile(doc, u);
    else if (kind === 'company') result = parseCompany(doc, u);
    else if (kind === 'lead-sales') result = parseSalesLead(doc, u);
    else result = parseRecruiter(doc, u);
  } catch (err) {
    if (err instanceof MissingElementError) {
      if (queryFirst(doc, AUTH_WALL.forms)) {
        return notCapturable('auth-wall', `LinkedIn shows a sign-in wall instead of the page (${err.field} missing)`);
      }
      return notCapturable('missing-field', err.message, err.field);
    }
    throw err;
  }
  return result;
}

/** The <title> text (cheaper than `document.title` under jsdom). */
function titleOf(doc: Document): string {
  return textOf(doc.getElementsByTagName('title')[0]);
}

function notCapturable(reason: NotCapturableReason, detail: string, field?: string): NotCapturable {
  return compact({ kind: 'not-capturable' as const, reason, detail: clip(detail, 2000), field });
}

function isAntiBotPage(doc: Document): boolean {
  if (!queryFirst(doc, AUTH_WALL.metaRefresh)) return false;
  // The real anti-bot page has an empty body; a profile page never has a meta refresh and no text.
  return !doc.body || textOf(doc.body).length < 40;
}

// ---------------------------------------------------------------------------------------------
// Small readers

/** First element under `root` (itself included) that satisfies `test`, in document order. */
function findElement(root: Element, test: (el: Element) => boolean): Element | undefined {
  if (test(root)) return root;
  for (let c = root.firstElementChild; c; c = c.nextElementSibling) {
    const hit = findElement(c, test);
    if (hit) return hit;
  }
  return undefined;
}

/** Text of a LinkedIn "pvs" line: its visible `aria-hidden` copy, not the screen-reader copy. */
function visibleText(el: Element | null | undefined): string {
  if (!el) return '';
  const visible = findElement(el, (e) => e.localName === 'span' && e.getAttribute('aria-hidden') === 'true');
  return textOf(visible ?? el);
}

function opt(text: string | null | undefined, max: number): string | undefined {
  const t = oneLine(text);
  return t ? clip(t, max) : undefined;
}

/** Longest date-range text read (a real one is under 60 characters); the rest is ignored. */
export const MAX_DATE_RANGE_TEXT = 500;

/** "Jul 2021 - Present · 3 yrs 1 mo" / "December 2008 – Present (7 years)" → "Jul 2021 - Present". */
export function normalizeDateRange(raw: string | null | undefined): string | undefined {
  // Capped: `/\([^)]*\)/g` below is quadratic on a long run of "(".
  let s = oneLine(raw?.slice(0, MAX_DATE_RANGE_TEXT));
  if (!s) return undefined;
  s = s.split(' · ')[0];
  s = s.replace(/\([^)]*\)/g, ' ');
  s = s.replace(/\s*[–—-]\s*/g, ' - ');
  s = oneLine(s)
    .replace(/^- | -$/g, '')
    .trim();
  return s ? clip(s, LIM.dateRange) : undefined;
}

const ONGOING_RE = /\b(?:present|today|now|aujourd|actualidad|actualmente|presente|hoy|heute|oggi|atualmente|momento|idag|nu)\b/i;
const isOngoing = (dateRange: string | undefined) => !!dateRange && ONGOING_RE.test(dateRange);

/** Employment types LinkedIn appends to the company ("Acme · Full-time"), in a few languages. */
const EMPLOYMENT_TYPE_RE =
  /^(?:full[- ]time|part[- ]time|contract|self[- ]employed|freelance|internship|apprenticeship|seasonal|temps plein|temps partiel|cdi|cdd|indépendant|stage|alternance|vollzeit|teilzeit|selbstständig|praktikum|jornada completa|media jornada|autónomo|prácticas|tempo pieno|tempo integral|heltid|deltid)$/i;

const sameText = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;

function imageUrl(img: Element | null): string | undefined {
  if (!img) return undefined;
  const ghost = img.getAttribute('data-ghost-url');
  for (const attr of ['data-delayed-url', 'src']) {
    let v = (img.getAttribute(attr) ?? '').trim();
    if (!v || v === ghost) continue;
    if (v.startsWith('//')) v = `https:${v}`;
    v = v.replace(/^http:\/\/([^/]*\.licdn\.com\/)/i, 'https://$1');
    if (!/^https:\/\//i.test(v)) continue; // data: placeholder of a private photo
    if (/^https:\/\/static[^/]*\.licdn\.com\//i.test(v)) continue; // ghost silhouette
    return clip(v, LIM.url);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Profiles

type Variant = LinkedinProfileCapture['variant'];

function findName(doc: Document): { el: Element; variant: Variant } {
  const tries: [SelectorSpec, Variant][] = [
    [PROFILE.name.loggedIn, 'logged-in'],
    [PROFILE.name.public, 'public'],
  ];
  for (const [spec, variant] of tries) {
    for (const sel of spec.selectors) {
      for (const el of selectAll(doc, sel)) {
        if (textOf(el)) return { el, variant };
      }
    }
  }
  throw new MissingElementError({ name: 'name', selectors: tries.flatMap(([s]) => s.selectors) }, 'the profile top card');
}

function parseProfile(doc: Document, url: URL): LinkedinProfileCapture {
  const sdui = queryFirst(doc, SDUI.topCard);
  return sdui ? parseSduiProfile(doc, url, sdui) : parseClassicProfile(doc, url);
}

/** Text lines under `root` in document order: each h1–h6 or p is one line; `skip` drops a subtree. */
function linesOf(root: Element, skip: (el: Element) => boolean): string[] {
  const out: string[] = [];
  const visit = (el: Element) => {
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
      if (skip(c)) continue;
      if (SDUI.lineTags.test(c.localName)) {
        const t = textOf(c);
        if (t) out.push(t);
      } else visit(c);
    }
  };
  visit(root);
  return out;
}

const isLongText = (el: Element) => el.getAttribute(SDUI.longText[0]) === SDUI.longText[1];

/** 2026 server-driven layout: everything about the person is read inside the top card. */
function parseSduiProfile(doc: Document, url: URL, card: Element): LinkedinProfileCapture {
  // Links (company, school, connections list, contact info) and buttons are not text lines.
  const lines = linesOf(card, (el) => el.localName === 'a' || el.localName === 'button' || isLongText(el));
  const titleName = SDUI.title.exec(titleOf(doc))?.[1];
  // The name line: the one the document title names, else the card's first heading, else the title.
  let i = titleName ? lines.findIndex((t) => sameText(cleanDisplayName(t), cleanDisplayName(titleName))) : -1;
  if (i < 0) {
    const h = findElement(card, (el) => /^h[1-3]$/.test(el.localName) && !!textOf(el));
    i = h ? lines.indexOf(textOf(h)) : -1;
  }
  const name = clip(cleanDisplayName(lines[i] ?? titleName ?? ''), LIM.name);
  if (!name) throw new MissingElementError({ name: 'name', selectors: [...SDUI.topCard.selectors, 'h2', '<title>'] }, 'the 2026 top card');
  const rest: string[] = [];
  for (const t of lines.slice(i + 1)) {
    if (SDUI.countLine.test(t)) break;
    if (!SDUI.nameSuffix.test(t) && !sameText(cleanDisplayName(t), name)) rest.push(t);
  }
  const headline = opt(rest[0], LIM.headline);

  const link = queryFirst(card, SDUI.company) ?? queryFirst(card, PROFILE.currentCompanyButton);
  const currentCompany = opt(textOf(link) || PROFILE.currentCompanyLabel.exec(oneLine(link?.getAttribute('aria-label')))?.[1], LIM.company);
  const experience = sduiSection(doc, SDUI.experienceHeading, sduiExperience);
  // "Head of X at Company | …": the current title until the experience has loaded.
  const m = SDUI.titleAt.exec(headline?.split(' | ')[0] ?? '');
  return profileCapture(doc, url, card, 'logged-in-2026', name, splitName(name), {
    headline,
    location: opt(rest[1], LIM.location),
    currentCompany,
    fallbackTitle: sameText(m?.[2], currentCompany) ? m?.[1] : undefined,
    experience,
    education: sduiSection(doc, SDUI.educationHeading, sduiEducation),
    photo: queryFirst(card, SDUI.photo),
    // The card's own key names the member: `…card.refurn:li:fsd_profile:ACoAA…Topcard`.
    urns: linkedinUrnsIn(card.getAttribute('componentkey')?.replace(/Topcard$/, '') ?? '', 1),
  });
}

/** Items of the section whose heading matches `heading`, in the lazily loaded parts ([] until loaded). */
function sduiSection<T>(doc: Document, heading: RegExp, read: (item: Element) => T[]): T[] {
  for (const part of queryAll(doc, SDUI.lazyParts)) {
    for (const h of selectAll(part, SDUI.heading)) {
      if (!heading.test(textOf(h))) continue;
      const section = closestMatch(h, 'section') ?? h.parentElement?.parentElement;
      return section ? topElements(section, isItem).flatMap(read) : [];
    }
  }
  return [];
}

const isItem = (el: Element) => el.localName === 'li';
const itemLines = (item: Element) => linesOf(item, (el) => isItem(el) || isLongText(el));

/** One position, or a company group ("Company", its duration and place; positions nested below). */
function sduiExperience(item: Element): LinkedinExperience[] {
  const lines = itemLines(item);
  const positions = topElements(item, isItem);
  if (!positions.length) {
    const [title, ...rest] = lines.slice(0, 4);
    const sub = rest[0] && !isDateLike(rest[0]) ? rest[0] : undefined;
    return title ? [sduiPosition(title, sub && companyFromSubtitle(sub), rest)] : [];
  }
  const place = lines.slice(1).find((t) => !isDateLike(t));
  return positions.flatMap((p) => {
    const [title, ...rest] = itemLines(p);
    return title ? [sduiPosition(title, lines[0], rest, place)] : [];
  });
}

function sduiPosition(title: string, company: string | undefined, rest: string[], groupPlace?: string): LinkedinExperience {
  const d = rest.findIndex(isDateLike);
  const place = d < 0 ? undefined : rest.slice(d + 1).find((t) => !isDateLike(t));
  return experienceItem(title, company, normalizeDateRange(rest[d]), (place && withoutWorkplaceType(place)) ?? groupPlace);
}

function sduiEducation(item: Element): LinkedinEducation[] {
  const [school, ...rest] = itemLines(item).slice(0, 4);
  return school
    ? [educationItem(school, rest[0] && !isDateLike(rest[0]) ? rest[0] : undefined, normalizeDateRange(rest.find(isDateLike)))]
    : [];
}

function parseClassicProfile(doc: Document, url: URL): LinkedinProfileCapture {
  const { el: nameEl, variant } = findName(doc);
  const rawName = textOf(nameEl);
  const name = clip(cleanDisplayName(rawName), LIM.name);
  if (!name) throw new MissingElementError({ name: 'name', selectors: PROFILE.name.loggedIn.selectors });

  let topCard: Element | null = null;
  for (const sel of PROFILE.topCard.selectors) {
    topCard = closestMatch(nameEl, sel);
    if (topCard) break;
  }
  const card: ParentNode = topCard ?? doc;

  const key = variant === 'logged-in' ? 'loggedIn' : 'public';
  const headlineEl = queryFirst(card, PROFILE.headline[key]);
  const headline = headlineEl && headlineEl !== nameEl ? opt(textOf(headlineEl), LIM.headline) : undefined;
  const location = opt(textOf(queryFirst(card, PROFILE.location[key])), LIM.location);

  let experience: LinkedinExperience[];
  let education: LinkedinEducation[];
  if (variant === 'logged-in') {
    experience = loggedInExperience(doc);
    education = loggedInEducation(doc);
  } else {
    experience = publicExperience(doc);
    education = publicEducation(doc);
  }

  // Current company: the top card's own statement first, then the positions, then the <title>.
  let currentCompany: string | undefined;
  if (variant === 'logged-in') {
    // Only inside the top card: other people's cards on the page carry the same button.
    const button = queryFirst(card, PROFILE.currentCompanyButton);
    if (button) {
      currentCompany = opt(textOf(button), LIM.company);
      if (!currentCompany) {
        const m = PROFILE.currentCompanyLabel.exec(oneLine(button.getAttribute('aria-label')));
        currentCompany = opt(m?.[1], LIM.company);
      }
    }
  } else {
    currentCompany = opt(textOf(queryFirst(card, PROFILE.currentCompanyPublic)), LIM.company);
  }

  return profileCapture(doc, url, card, variant, name, profileNameParts(doc, variant, name), {
    headline,
    location,
    currentCompany: opt(currentCompany, LIM.company),
    experience,
    education,
    photo: queryFirst(card, PROFILE.photo[key]),
  });
}

interface ProfileFields {
  headline?: string;
  location?: string;
  currentCompany?: string;
  /** Used when the positions state no current title. */
  fallbackTitle?: string;
  experience: LinkedinExperience[];
  education: LinkedinEducation[];
  photo: Element | null;
  urns?: string[];
}

/** The capture from the fields a layout read: the current role, photo and identity are derived the same way for all. */
function profileCapture(
  doc: Document,
  url: URL,
  card: ParentNode,
  variant: Variant,
  name: string,
  parts: { firstName: string; lastName: string },
  f: ProfileFields,
): LinkedinProfileCapture {
  const { experience } = f;
  const shown = f.currentCompany;
  let currentCompany = shown;
  const byCompany = shown ? experience.filter((e) => sameText(e.company, shown)) : [];
  const current = byCompany.find((e) => isOngoing(e.dateRange)) ?? byCompany[0] ?? experience.find((e) => isOngoing(e.dateRange));
  let currentTitle = current?.title ?? f.fallbackTitle;
  if (!currentCompany && current?.company) currentCompany = current.company;
  if (variant === 'public' && (!currentTitle || !currentCompany)) {
    const fromTitle = titleTagRole(titleOf(doc), name, currentCompany);
    currentTitle = currentTitle ?? fromTitle.title;
    currentCompany = currentCompany ?? fromTitle.company;
  }
  const { url: profileUrl, id: publicId } = profileIdentity(doc, card, url);
  const urns = [...new Set([...(f.urns ?? []), ...opaqueMemberUrn(url.pathname)])];
  return compact(
    {
      kind: 'profile' as const,
      site: 'linkedin' as const,
      variant,
      name,
      firstName: clip(parts.firstName || name, LIM.nameParts),
      lastName: clip(parts.lastName, LIM.nameParts),
      headline: f.headline,
      location: f.location,
      currentTitle: opt(currentTitle, LIM.title),
      currentCompany: opt(currentCompany, LIM.company),
      experience: experience.slice(0, LIM.experience),
      education: f.education.slice(0, LIM.education),
      photoUrl: imageUrl(f.photo),
      profileUrl,
      publicId,
      linkedinUrns: urns.length ? urns : undefined,
    },
    false,
  ) as LinkedinProfileCapture;
}

/** Public pages state the first/last split in meta tags; use it when it matches the name. */
function profileNameParts(doc: Document, variant: Variant, name: string) {
  if (variant === 'public') {
    const first = cleanDisplayName(selectFirst(doc, PROFILE.metaFirstName)?.getAttribute('content') ?? '');
    const last = cleanDisplayName(selectFirst(doc, PROFILE.metaLastName)?.getAttribute('content') ?? '');
    if (first && oneLine(`${first} ${last}`) === name) return { firstName: first, lastName: last };
  }
  return splitName(name);
}

/** "Name - Title - Company | LinkedIn" (public pages). The title may itself contain " - ". */
function titleTagRole(title: string, name: string, knownCompany: string | undefined): { title?: string; company?: string } {
  let t = oneLine(title).replace(/\s*\|\s*LinkedIn\s*$/i, '');
  if (!t.startsWith(`${name} - `)) return {};
  t = t.slice(name.length + 3);
  if (knownCompany && t.endsWith(` - ${knownCompany}`))
    return { title: t.slice(0, -(knownCompany.length + 3)) || undefined, company: knownCompany };
  const i = t.lastIndexOf(' - ');
  if (i < 0) return {};
  return { title: t.slice(0, i) || undefined, company: t.slice(i + 3) || undefined };
}

/** The subject's public id as the page itself states it (canonical link, og:url, top-card links). */
function pageOwnId(doc: Document, card: ParentNode): { url: string; id: string } | undefined {
  const link = queryFirst(doc, PROFILE.ownProfileLinkDoc) ?? queryFirst(card, PROFILE.ownProfileLinkCard);
  const href = link?.getAttribute('href') ?? link?.getAttribute('content');
  if (!href) return undefined;
  try {
    return normalizeLinkedinUrl(new URL(href, 'https://www.linkedin.com/').href);
  } catch {
    return undefined;
  }
}

/**
 * The canonical URL and public id: from the page URL first, else from the subject's own links
 * (never from embedded JSON). When both exist and disagree, the page still shows the previous
 * profile (LinkedIn is a single-page app: the URL changes before the content) and nothing is
 * captured rather than a mix of two people.
 */
function profileIdentity(doc: Document, card: ParentNode, url: URL): { url: string; id: string } {
  const fromUrl = normalizeLinkedinUrl(url.href);
  const urlIsOpaque = !!fromUrl && /^acoa/i.test(fromUrl.id);
  const fromPage = pageOwnId(doc, card);
  if (fromUrl && !urlIsOpaque) {
    if (fromPage && !/^acoa/i.test(fromPage.id) && fromPage.id !== fromUrl.id) {
      throw new MissingElementError(
        { name: 'publicId', selectors: [] },
        undefined,
        `the page shows profile "${clip(fromPage.id, 100)}" but the URL is for "${clip(fromUrl.id, 100)}" (navigation still in progress?)`,
      );
    }
    return fromUrl;
  }
  if (fromPage) return fromPage;
  if (fromUrl) return fromUrl;
  throw new MissingElementError({
    name: 'publicId',
    selectors: ['URL /in/<id>/', ...PROFILE.ownProfileLinkDoc.selectors, ...PROFILE.ownProfileLinkCard.selectors],
  });
}

// — logged-in (2022–2025): entity lists under #experience / #education, walked element by element

function sectionOf(doc: Document, anchor: SelectorSpec): Element | null {
  const a = queryFirst(doc, anchor);
  return a ? closestMatch(a, 'section') : null;
}

const isEntity = (el: Element) => el.getAttribute(LI.entityAttr[0]) === LI.entityAttr[1];

/** Elements under `root` that pass `test` and are not nested in another such element, in document order. */
function topElements(root: Element, test: (el: Element) => boolean): Element[] {
  const out: Element[] = [];
  const visit = (el: Element) => {
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
      if (test(c)) out.push(c);
      else visit(c);
    }
  };
  visit(root);
  return out;
}

interface EntityParts {
  bold?: Element;
  subtitle?: Element;
  caption?: Element;
  /** Light lines other than the dates: the location first. */
  lights: Element[];
  /** Entities nested in the sub-components: the positions of a company group. */
  positions: Element[];
}

function entityParts(entity: Element): EntityParts {
  const parts: EntityParts = { lights: [], positions: [] };
  const visit = (el: Element, inSub: boolean) => {
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
      if (inSub) {
        if (isEntity(c)) parts.positions.push(c);
        else visit(c, true);
        continue;
      }
      if (hasClass(c, LI.subComponentsClass)) {
        visit(c, true);
        continue;
      }
      if (hasClass(c, LI.visuallyHiddenClass)) continue;
      if (hasClass(c, LI.boldClass)) {
        parts.bold ??= c;
        continue;
      }
      if (hasClass(c, LI.captionClass)) {
        parts.caption ??= c;
        continue;
      }
      if (LI.lineClasses.every((k) => hasClass(c, k))) {
        if (!hasClass(c, LI.lightClass)) parts.subtitle ??= c;
        else {
          const caption = findElement(c, (e) => hasClass(e, LI.captionClass));
          if (caption) parts.caption ??= caption;
          else parts.lights.push(c);
        }
        continue;
      }
      visit(c, false);
    }
  };
  visit(entity, false);
  return parts;
}

function companyFromSubtitle(subtitle: string): string | undefined {
  const first = subtitle.split(' · ')[0]?.trim();
  if (!first || EMPLOYMENT_TYPE_RE.test(first) || /^\d+\s*\p{L}{1,6}\b/u.test(first)) return undefined;
  return first;
}

/** Dates or a duration ("Jul 2021 - Present · 3 yrs", "2 yrs 7 mos"), as opposed to a place. */
const DATE_LIKE_RE = /\b(?:19|20)\d{2}\b|\d+\s*(?:yrs?|mos?|years?|months?|ans?|mois|jahre?|monate?|años?|meses)\b/i;
const isDateLike = (t: string) => DATE_LIKE_RE.test(t) || ONGOING_RE.test(t);

/** Dates and location of an entity. LinkedIn puts a company group's location in the caption
 * slot, so each light line is classified by its content. */
function datesAndPlace(parts: EntityParts): { dateRange?: string; location?: string } {
  const lines = [parts.caption, ...parts.lights].map((e) => visibleText(e)).filter(Boolean);
  const date = lines.find(isDateLike);
  const place = lines.find((t) => !isDateLike(t));
  return { dateRange: normalizeDateRange(date), location: place ? withoutWorkplaceType(place) : undefined };
}

/** Workplace types LinkedIn appends to a position's place ("Oslo, Norway · Hybrid"). */
const WORKPLACE_RE =
  /\s+·\s+(?:on-site|onsite|hybrid|remote|sur site|hybride|à distance|télétravail|vor ort|hybrid|remote|presencial|híbrido|en remoto|remoto|in sede|ibrido|da remoto)$/i;
function withoutWorkplaceType(place: string): string | undefined {
  const t = place.replace(WORKPLACE_RE, '').trim();
  return t && !WORKPLACE_RE.test(` · ${t}`) ? t : undefined;
}

function loggedInExperience(doc: Document): LinkedinExperience[] {
  const section = sectionOf(doc, LI.experienceAnchor);
  if (!section) return [];
  const out: LinkedinExperience[] = [];
  for (const entity of topElements(section, isEntity)) {
    const parts = entityParts(entity);
    const bold = visibleText(parts.bold);
    if (parts.positions.length) {
      // A company with several positions: the bold line is the company; a place under it is
      // shared by the positions that do not state their own.
      const group = datesAndPlace(parts);
      for (const p of parts.positions) {
        const pp = entityParts(p);
        const title = visibleText(pp.bold);
        if (!title) continue;
        const own = datesAndPlace(pp);
        out.push(experienceItem(title, bold || undefined, own.dateRange, own.location ?? group.location));
      }
    } else if (bold) {
      const own = datesAndPlace(parts);
      out.push(experienceItem(bold, companyFromSubtitle(visibleText(parts.subtitle)), own.dateRange, own.location));
    }
  }
  return out;
}

function loggedInEducation(doc: Document): LinkedinEducation[] {
  const section = sectionOf(doc, LI.educationAnchor);
  if (!section) return [];
  const out: LinkedinEducation[] = [];
  for (const entity of topElements(section, isEntity)) {
    const parts = entityParts(entity);
    const school = visibleText(parts.bold);
    if (!school) continue;
    out.push(educationItem(school, visibleText(parts.subtitle), datesAndPlace(parts).dateRange));
  }
  return out;
}

function experienceItem(title: string, company?: string, dateRange?: string, location?: string): LinkedinExperience {
  return compact({
    title: clip(title, LIM.title),
    company: opt(company, LIM.company),
    dateRange,
    location: opt(location, LIM.location),
  });
}

function educationItem(school: string, degree?: string, dateRange?: string): LinkedinEducation {
  return compact({ school: clip(school, LIM.school), degree: opt(degree, LIM.degree), dateRange });
}

// — public (logged-out) pages, 2021–2024

/** Text of a `.date-range` without its duration span: "Jul 2021 - Present". */
function dateRangeText(el: Element | null): string | undefined {
  if (!el) return undefined;
  const parts: string[] = [];
  for (const n of Array.from(el.childNodes)) {
    if (n.nodeType === 1 && elementMatches(n as Element, PUB.duration)) continue;
    parts.push(n.textContent ?? '');
  }
  return normalizeDateRange(parts.join(' '));
}

function groupCompany(li: Element): string {
  const group = closestMatch(li, PUB.expGroup);
  return group ? textOf(selectFirst(group, PUB.expGroupCompany)) : '';
}

function publicExperience(doc: Document): LinkedinExperience[] {
  const out: LinkedinExperience[] = [];
  const section = queryFirst(doc, PUB.experienceSection);
  if (!section) return out;
  for (const li of queryAll(section, PUB.experienceItems)) {
    const title = textOf(selectFirst(li, PUB.expTitle));
    if (!title) continue;
    const company = textOf(selectFirst(li, PUB.expCompany)) || groupCompany(li);
    const dateEl = selectFirst(li, PUB.dateRange);
    let location: string | undefined;
    for (const meta of selectAll(li, PUB.expMeta)) {
      if (dateEl && meta.contains(dateEl)) continue;
      location = textOf(meta) || undefined;
      if (location) break;
    }
    out.push(experienceItem(title, company || undefined, dateRangeText(dateEl), location));
  }
  return out;
}

const GRADE_RE = /^\d+(?:[.,]\d+)?\s*(?:of|\/|sur|von|de|su)\s*\d+(?:[.,]\d+)?$/i;

function publicEducation(doc: Document): LinkedinEducation[] {
  const out: LinkedinEducation[] = [];
  const section = queryFirst(doc, PUB.educationSection);
  if (!section) return out;
  for (const li of queryAll(section, PUB.educationItems)) {
    const school = textOf(selectFirst(li, PUB.eduSchool));
    if (!school) continue;
    const degreeName = textOf(selectFirst(li, PUB.eduDegree));
    const field = selectAll(li, PUB.eduFields)
      .map((e) => textOf(e))
      .find((t) => t && !GRADE_RE.test(t));
    const degree = [degreeName, field].filter(Boolean).join(', ');
    out.push(educationItem(school, degree, dateRangeText(selectFirst(li, PUB.dateRange))));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Company pages

const TRACKING_PARAM_RE = /^(?:utm_[a-z]+|trk|trkInfo|lipi|li_fat_id|gclid|fbclid)$/i;

/** Unwraps LinkedIn's /redir/redirect?url=… and drops tracking parameters. */
export function cleanWebsite(href: string | null | undefined): string | undefined {
  if (!href) return undefined;
  let u: URL;
  try {
    u = new URL(href, 'https://www.linkedin.com/');
    if (/(^|\.)linkedin\.com$/i.test(u.hostname) && /^\/redir\/redirect/i.test(u.pathname)) {
      const target = u.searchParams.get('url');
      if (!target) return undefined;
      u = new URL(target);
    }
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(u.protocol) || /(^|\.)linkedin\.com$/i.test(u.hostname)) return undefined;
  for (const k of Array.from(u.searchParams.keys())) if (TRACKING_PARAM_RE.test(k)) u.searchParams.delete(k);
  u.hash = '';
  return clip(u.href, LIM.url);
}

function parseCompany(doc: Document, url: URL): LinkedinCompanyCapture {
  const m = URL_PATTERNS.company.exec(url.pathname);
  const kind = (m?.[1] ?? 'company').toLowerCase();
  let slug = m?.[2] ?? '';
  try {
    slug = decodeURIComponent(slug);
  } catch {
    /* keep */
  }
  slug = slug.toLowerCase();

  const nameEl = queryFirst(doc, COMPANY.name);
  const name = opt(nameEl?.getAttribute('title') || textOf(nameEl), LIM.company);
  if (!name) throw new MissingElementError(COMPANY.name, 'the company top card');

  const website = cleanWebsite(queryFirst(doc, COMPANY.website)?.getAttribute('href'));
  const info = queryAll(doc, COMPANY.infoItems)
    .map((e) => textOf(e))
    .filter(Boolean);
  const plain = info.filter((t) => !COMPANY.sizeText.test(t) && !COMPANY.followersText.test(t));
  const industry = opt(plain[0] ?? textOf(queryFirst(doc, COMPANY.industry)), LIM.industry);
  const location = opt(plain[1], LIM.location);
  const size = opt(info.find((t) => COMPANY.sizeText.test(t)) ?? textOf(queryFirst(doc, COMPANY.size)), LIM.size);

  return compact({
    kind: 'company' as const,
    site: 'linkedin' as const,
    name,
    website,
    domain: normalizeDomain(website),
    industry,
    size,
    location,
    linkedinUrl: `https://www.linkedin.com/${kind}/${encodeURIComponent(slug)}/`,
    slug,
  }) as LinkedinCompanyCapture;
}

// ---------------------------------------------------------------------------------------------
// Sales Navigator / Recruiter leads

function parseSalesLead(doc: Document, url: URL): LinkedinLeadCapture {
  const nameEl = queryFirst(doc, LEAD.name);
  const card = queryFirst(doc, LEAD.topCard) ?? (nameEl ? closestMatch(nameEl, 'section') : null);
  const id = URL_PATTERNS.salesLeadId.exec(url.pathname)?.[1];
  const read = (spec: SelectorSpec, max: number) => opt(textOf(queryFirst(card ?? doc, spec)), max);
  return leadCapture(doc, url, 'sales-navigator', nameEl, card, id && normalizeLinkedinUrn('fs_salesProfile', id), {
    headline: read(LEAD.headline, LIM.headline),
    title: read(LEAD.title, LIM.title),
    company: read(LEAD.company, LIM.company),
    location: read(LEAD.location, LIM.location),
  });
}

/** A Recruiter candidate: the name's section is the top card; positions and schools below it. */
function parseRecruiter(doc: Document, url: URL): LinkedinLeadCapture {
  const nameEl = queryFirst(doc, RECRUITER.name);
  const card = nameEl && closestMatch(nameEl, 'section');
  const field = (root: Element, sel: string) => textOf(selectFirst(root, sel)) || undefined;
  const experience = queryAll(doc, RECRUITER.position)
    .slice(0, LIM.experience)
    .flatMap((p) => {
      const title = field(p, RECRUITER.positionTitle);
      const dates = normalizeDateRange(field(p, RECRUITER.positionDates));
      return title ? [experienceItem(title, field(p, RECRUITER.positionCompany), dates, field(p, RECRUITER.positionLocation))] : [];
    });
  const education = queryAll(doc, RECRUITER.school)
    .slice(0, LIM.education)
    .flatMap((e) => {
      const school = field(e, RECRUITER.schoolName);
      const degree = selectAll(e, RECRUITER.degree)
        .map((d) => textOf(d))
        .filter(Boolean)
        .join(', ');
      return school ? [educationItem(school, degree, normalizeDateRange(field(e, RECRUITER.schoolDates)))] : [];
    });
  const headline = opt(textOf(queryFirst(card ?? doc, RECRUITER.headline)), LIM.headline);
  const current = experience.find((e) => isOngoing(e.dateRange)) ?? experience[0];
  // "Title at Company": the current role when no position is shown.
  const m = current ? undefined : SDUI.titleAt.exec(headline?.split(' | ')[0] ?? '');
  const id = URL_PATTERNS.recruiterId.exec(url.pathname)?.[1];
  return leadCapture(doc, url, 'recruiter', nameEl, card, id && normalizeLinkedinUrn('ts_profile', id), {
    headline,
    title: opt(current?.title ?? m?.[1], LIM.title),
    company: opt(current?.company ?? m?.[2], LIM.company),
    location: opt(textOf(queryFirst(card ?? doc, RECRUITER.location)), LIM.location),
    experience,
    education,
  });
}

/** `urn:li:fsd_profile:ACoAA…` of an opaque profile link (/in/ACoAA…), whose id is the member's. */
function opaqueMemberUrn(href: string): string[] {
  const id = /\/in\/(ACoAA[A-Za-z0-9_-]{1,95})(?![A-Za-z0-9_-])/.exec(href)?.[1];
  const urn = id && normalizeLinkedinUrn('fsd_profile', id);
  return urn ? [urn] : [];
}

/**
 * The URNs a lead's or candidate's top card states about its subject: attribute values of the
 * card and its elements, never inside its links and lists (other people: shared connections).
 */
function cardUrns(card: Element): string[] {
  const out = new Set<string>();
  let budget = 2000; // elements read: a top card has a few hundred
  const visit = (el: Element) => {
    if (--budget < 0 || out.size >= LIM.urns) return;
    for (const a of Array.from(el.attributes)) for (const u of linkedinUrnsIn(a.value, LIM.urns)) out.add(u);
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) if (c.localName !== 'a' && c.localName !== 'li') visit(c);
  };
  visit(card);
  return [...out].slice(0, LIM.urns);
}

type LeadFields = Pick<LinkedinLeadCapture, 'headline' | 'title' | 'company' | 'location' | 'experience' | 'education'>;

/**
 * A lead or candidate with its identity: the public profile its top card links (or the overflow
 * menu's "View LinkedIn profile"), and its ids: the page URL's, the card's URNs, an opaque link's
 * member id. A card naming another id of the URL's kind still shows the previous person (a
 * single-page navigation in progress): nothing is captured rather than a mix of two people.
 */
function leadCapture(
  doc: Document,
  url: URL,
  source: LinkedinLeadCapture['source'],
  nameEl: Element | null,
  card: Element | null,
  urlUrn: string | undefined | '',
  f: LeadFields,
): LinkedinLeadCapture {
  const name = nameEl ? clip(cleanDisplayName(textOf(nameEl)), LIM.name) : '';
  if (!name) throw new MissingElementError(source === 'recruiter' ? RECRUITER.name : LEAD.name, 'the lead top card');

  let profile: { url: string; id: string } | undefined;
  let href: string | null | undefined;
  for (const link of [queryFirst(card ?? doc, LEAD.profileLink), queryFirst(doc, LEAD.profileMenuLink)]) {
    href = link?.getAttribute('href');
    if (!href) continue;
    try {
      profile = normalizeLinkedinUrl(new URL(href, 'https://www.linkedin.com/').href);
    } catch {
      /* ignore */
    }
    if (profile) break;
  }

  const fromCard = card ? cardUrns(card) : [];
  if (urlUrn) {
    const kind = urlUrn.slice(0, urlUrn.lastIndexOf(':') + 1);
    if (fromCard.some((u) => u.startsWith(kind)) && !fromCard.includes(urlUrn)) {
      throw new MissingElementError(
        { name: 'linkedinUrns', selectors: [] },
        undefined,
        'the page shows another person than its URL (navigation in progress?)',
      );
    }
  }
  const opaque = profile && href ? opaqueMemberUrn(href) : [];
  const urns = [...new Set([...(urlUrn ? [urlUrn] : []), ...fromCard, ...opaque])].slice(0, LIM.urns);
  const parts = splitName(name);
  return compact(
    {
      kind: 'lead' as const,
      site: 'linkedin' as const,
      source,
      name,
      firstName: clip(parts.firstName || name, LIM.nameParts),
      lastName: clip(parts.lastName, LIM.nameParts),
      ...f,
      experience: f.experience?.length ? f.experience : undefined,
      education: f.education?.length ? f.education : undefined,
      profileUrl: profile?.url,
      publicId: profile?.id,
      linkedinUrns: urns.length ? urns : undefined,
      pageUrl: `https://www.linkedin.com${url.pathname}`,
    },
    false,
  ) as LinkedinLeadCapture;
}
