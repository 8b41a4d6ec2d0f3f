// Every LinkedIn hook the parser uses, in one place. Each entry lists its selectors in priority
// order and where each was seen: the fixture pages under tests/fixtures/linkedin/ (anonymized real
// captures, dated in their names) or "constructed" pages built from hooks that open-source
// extensions use (see docs/dom-notes.md). Generated class names (hashes like
// `OPWRtmQC…`) are never used: they change weekly. When LinkedIn changes its markup, add the new
// selector *first*, keep the old ones, add a dated fixture, and say which fixture it matches.
// Remarks on a spec are comments: a `note` string ships in the content script (kept only where
// `seenIn` is empty, to say why).
import type { SelectorSpec } from '../common/selector-spec';
import type { LinkedinParseResult } from '../../capture/linkedin';

// Fixture names, to keep the comments short.
const LOGGED_IN_2024 = ['scoutr-loggedin-profile1-2024-07', 'scoutr-loggedin-profile2-2024-07', 'scoutr-loggedin-profile3-2024-07'];
const LOGGED_IN_2025 = ['constructed-loggedin-profile-2025-en', 'constructed-loggedin-profile-2025-fr'];
const PUBLIC_2024 = ['scoutr-guest-public-profile1-2024-03', 'scoutr-guest-public-profile2-2024-03'];

const spec = (name: string, selectors: string[], seenIn: string[], note?: string): SelectorSpec => ({ name, selectors, seenIn, note });

// ---------------------------------------------------------------------------------------------
// URL patterns (checked before any markup: the URL says what kind of page this is).

export const URL_PATTERNS = {
  /** /in/<id>/ and the legacy /pub/<id>/… */
  profile: /^\/(?:in|pub)\/[^/]+/i,
  /** Company, school and showcase pages: /company/<slug>/… */
  company: /^\/(company|school|showcase)\/([^/?#]+)/i,
  /** Sales Navigator lead pages (constructed-sales-lead-2026-11); /sales/people/ is the older form. */
  salesLead: /^\/sales\/(?:lead|people)\//i,
  /** Recruiter profile pages: /talent/profile/<id>, /talent/hire/<project>/<up to four parts>/profile/<id>
   * (constructed-recruiter-*-2026-12). */
  recruiter: /^\/(?:talent\/(?:hire\/[^/]+\/(?:[^/]+\/){0,4})?profile|recruiter\/profile)\//i,
  /** The lead id of a Sales Navigator URL (`/sales/lead/ACwAA…,NAME_SEARCH,xyz`: before the first comma)
   * and the candidate id of a Recruiter URL: `urn:li:fs_salesProfile:` and `urn:li:ts_profile:` ids. */
  salesLeadId: /^\/sales\/(?:lead|people)\/([A-Za-z0-9_-]{1,100})(?![A-Za-z0-9_-])/,
  recruiterId: /\/profile\/([A-Za-z0-9_-]{1,100})(?![A-Za-z0-9_-])/,
  /** Pages LinkedIn sends a logged-out or suspected-bot visitor to. */
  authWall: /^\/(?:authwall|checkpoint\/|uas\/login|login|signup)/i,
} as const;

/**
 * Pages where a person or company is expected: the sidebar explains ("not a profile") when it
 * cannot read one, e.g. LinkedIn's "Profile Not Found" or a sign-in wall at a profile's URL.
 */
export const PROFILE_LIKE_PATH = /^\/(in|pub|company|school|sales\/lead|sales\/people|talent\/profile|talent\/hire)\//;

/** Whether a parse result gets the sidebar: a capture, or a not-capturable page that looks like one. */
export function linkedinWantsSidebar(result: LinkedinParseResult, url: string): boolean {
  return result.kind !== 'not-capturable' || PROFILE_LIKE_PATH.test(new URL(url).pathname);
}

/**
 * Whether the page at `url` can ever get the sidebar (`linkedinWantsSidebar`): a capture needs one
 * of the URL_PATTERNS kinds (the parser returns not-capturable for any other path), and a
 * not-capturable result is shown only on a PROFILE_LIKE_PATH. On any other page (feed, jobs,
 * messaging, search…) the content script stays idle — no message, no parse, no DOM observer —
 * until an in-app navigation reaches such a page.
 */
export function linkedinMayShowSidebar(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  return (
    PROFILE_LIKE_PATH.test(path) ||
    URL_PATTERNS.profile.test(path) ||
    URL_PATTERNS.company.test(path) ||
    URL_PATTERNS.salesLead.test(path) ||
    URL_PATTERNS.recruiter.test(path)
  );
}

// ---------------------------------------------------------------------------------------------
// Pages that hold nothing to capture.

export const NOT_FOUND = spec(
  'not-found',
  ['h1.page-not-found__headline', '.page-not-found h1'],
  ['scoutr-guest-private-profile-2024-06'],
  // Also recognised by a <title> of "Profile Not Found | LinkedIn" (TITLE_NOT_FOUND).
);
export const TITLE_NOT_FOUND = /^\s*(?:Profile Not Found|Page Not Found|This page doesn[’']t exist)\b/i;

export const AUTH_WALL = {
  /** Anti-bot page: a meta refresh back to linkedin.com and an (almost) empty body. */
  metaRefresh: spec(
    'auth-wall.meta-refresh',
    ['meta[http-equiv="refresh"]', 'meta[http-equiv="Refresh"]'],
    ['scoutr-authwall-banned-page-2024-06'],
  ),
  /** Join / sign-in walls shown instead of a profile (open-source extensions, 2023–2025; no fixture). */
  forms: spec(
    'auth-wall.form',
    ['form.authwall-join-form', 'form.authwall-sign-in-form', 'form[data-test-id="authwall-join-form"]'],
    [],
    'From open-source extensions (2023–2025); no captured page shows it. Only consulted when no name is found.',
  ),
};

/** The current-company button's label prefix, per language (one table for the selectors and the label pattern). */
const CURRENT_COMPANY_LABELS = [
  'Current company',
  'Entreprise actuelle',
  'Empresa actual',
  'Aktuelles Unternehmen',
  'Azienda attuale',
  'Empresa atual',
  'Huidig bedrijf',
  'Nuvarande företag',
];

// ---------------------------------------------------------------------------------------------
// Profile pages. The name selectors also decide the variant (see findName in parse.ts).

export const PROFILE = {
  name: {
    loggedIn: spec(
      'name',
      [
        'h1.text-heading-xlarge', // logged-in 2022–2024
        'main section.artdeco-card h1.inline.t-24', // logged-in 2025 (text-heading-xlarge dropped), also 2019–2021
        'h1.inline.t-24',
        '.pv-top-card h1', // logged-in 2020–2021
      ],
      [...LOGGED_IN_2024, ...LOGGED_IN_2025],
    ),
    public: spec('name', ['h1.top-card-layout__title', '.top-card-layout h1'], PUBLIC_2024),
  },

  /** The top card: the section around the name. Headline, location and the current-company
   * button are looked up inside it only (the page repeats these classes for other people). */
  topCard: spec(
    'top card',
    ['section.artdeco-card', 'section.top-card-layout', '.top-card-layout', '.pv-top-card'],
    [...LOGGED_IN_2024, ...LOGGED_IN_2025, ...PUBLIC_2024],
    // Used with closest() from the name element.
  ),

  /** Headline, location and photo: per markup generation, looked up inside the top card. */
  headline: {
    loggedIn: spec(
      'headline',
      ['.text-body-medium.break-words', 'div[data-generated-suggestion-target]'],
      [...LOGGED_IN_2024, ...LOGGED_IN_2025],
    ),
    public: spec('headline', ['.top-card-layout__headline', 'h2.top-card-layout__headline'], PUBLIC_2024),
  },

  location: {
    loggedIn: spec('location', ['.text-body-small.inline.t-black--light.break-words'], [...LOGGED_IN_2024, ...LOGGED_IN_2025]),
    public: spec(
      'location',
      [
        '.top-card-layout__first-subline .not-first-middot > span:first-child', // public 2024
        '.profile-info-subheader .not-first-middot > span:first-child',
        '.top-card__subline-item', // public 2021–2023 (no fixture)
      ],
      PUBLIC_2024,
    ),
  },

  photo: {
    loggedIn: spec(
      'photoUrl',
      [
        'img.pv-top-card-profile-picture__image--show', // 2024–2025
        'img.pv-top-card-profile-picture__image',
        '.pv-top-card__photo img', // 2020–2021
        'img.profile-photo-edit__preview', // own profile
      ],
      [...LOGGED_IN_2024, ...LOGGED_IN_2025],
      // A data: URL (private photo) or a static.licdn.com ghost image counts as no photo.
    ),
    public: spec(
      'photoUrl',
      ['img.top-card-layout__entity-image', 'img.top-card__profile-image'],
      PUBLIC_2024,
      // The ghost silhouette (data-ghost-url) counts as no photo.
    ),
  },

  /** The current-company button of the logged-in top card. Its label is localized: matched by
   * the label prefixes below (en, logged-in 2024–2025; fr: constructed-loggedin-profile-2025-fr; es,
   * de, it, pt, nl, sv), then the company is read from the button's own text. */
  currentCompanyButton: spec(
    'currentCompany',
    CURRENT_COMPANY_LABELS.map((label) => `button[aria-label^="${label}"]`),
    [...LOGGED_IN_2024, ...LOGGED_IN_2025],
  ),
  /** Label text around the company name, to read it from the label when the button is empty. */
  currentCompanyLabel: new RegExp(`^(?:${CURRENT_COMPANY_LABELS.join('|')})\\s*:\\s*(.+?)\\.\\s+\\S.*$`, 'i'),

  /** Public top card: the current position link (public 2024), inside the top card. */
  currentCompanyPublic: spec(
    'currentCompany',
    [
      '[data-section="currentPositionsDetails"] .top-card-link__description',
      '[data-section="currentPositionsDetails"] a',
      'a[data-tracking-control-name$="current-company"]',
    ],
    PUBLIC_2024,
  ),

  /** Where the page states its subject's own public id: used when the page URL has none (or an
   * opaque ACoAA… member id), and to notice a page that still shows the previous profile after a
   * single-page navigation. Never the embedded <code> JSON: it lists other people too. */
  ownProfileLinkDoc: spec('publicId', ['link[rel="canonical"][href*="/in/"]', 'meta[property="og:url"][content*="/in/"]'], PUBLIC_2024),
  ownProfileLinkCard: spec(
    'publicId',
    ['a#top-card-text-details-contact-info[href*="/in/"]', 'a[href*="/overlay/contact-info/"]', 'a[href*="/overlay/about-this-profile/"]'],
    [...LOGGED_IN_2024, ...LOGGED_IN_2025],
    // Looked up inside the top card only.
  ),

  /** Public pages name their subject in meta tags: the site's own first/last split. */
  metaFirstName: 'meta[property="profile:first_name"]',
  metaLastName: 'meta[property="profile:last_name"]',
};

/**
 * LinkedIn's 2026 logged-in profile (server-driven UI): hashed class names, no <h1>. Hooks are
 * attributes, link targets and the order of the top card's text lines (name, headline, location,
 * "500+ connections"); see parse.ts (parseSdui*). Constructed from DOM-NOTES (no capture).
 */
const SDUI_2026 = ['constructed-2026-loggedin-profile-lazy', 'constructed-2026-loggedin-profile-loaded'];
export const SDUI = {
  /** The top card: `componentkey="com.linkedin.sdui.profile.card.ref<member urn>Topcard"`. Every read
   * of name, headline, location and company stays inside it (other people's names fill the page). */
  topCard: spec('top card', ['[componentkey$="Topcard"]'], SDUI_2026),
  /** The current company: the top card's first company link (its text is the name). */
  company: spec('currentCompany', ['a[href*="/company/"]'], SDUI_2026), // looked up inside the top card only
  photo: spec('photoUrl', ['img[src*="profile-displayphoto"]', 'img[src*="licdn.com"]'], SDUI_2026),
  /** Lazily loaded parts below Activity (`profileCardsBelowActivityPart1<publicId>` … Part6), empty
   * until the user scrolls; experience and education sections are found by their heading. */
  lazyParts: spec('sections', ['[componentkey^="profileCardsBelowActivity"]', 'main'], SDUI_2026),
  heading: 'h2',
  experienceHeading:
    /^(?:Experience|Expérience|Berufserfahrung|Erfahrung|Experiencia|Esperienza|Experiência|Ervaring|Erfarenhet|Erfaring|Kokemus|Doświadczenie)$/i,
  educationHeading:
    /^(?:Education|Formation|Ausbildung|Educación|Formazione|Formação|Opleiding|Utbildning|Utdanning|Uddannelse|Koulutus|Wykształcenie)$/i,
  /** Tags whose text is one line; subtrees skipped when reading lines (long texts, links in the top card). */
  lineTags: /^(?:h[1-6]|p)$/,
  longText: ['data-testid', 'expandable-text-box'] as const,
  /** `<Name> | LinkedIn`, possibly after a notification count "(3) ". */
  title: /^(?:\(\d+\+?\)\s*)?(.+?)\s*\|\s*LinkedIn\s*$/i,
  /** The line that ends the top card's text: "500+ connections", "1,234 followers", "500+ relations". */
  countLine: /^\d[\d\s.,]*\+?\s+\p{L}/u,
  /** Lines between the name and the headline: pronouns ("She/Her", short words, not "CTO/CEO" or
   * "CEO/Founder", which are headlines), degree ("· 2nd"), a lone "·". */
  nameSuffix: /^(?:[·•\s]*(?:\d(?:st|nd|rd|th|er|e|\.)?\+?)?|\(?\p{Lu}?\p{Ll}{1,4}\/\p{Lu}?\p{Ll}{1,4}\)?)$/u,
  /** "Title at Company" in the headline: the current title when the experience has not loaded. */
  titleAt: /^(.+?) (?:at|@|chez|bei|en|presso|na|bij|hos|på|w) (.+)$/i,
};

// ---------------------------------------------------------------------------------------------
// Experience and education.

/**
 * Logged-in experience / education cards (2022–2025). These are walked element by element (the
 * parser never runs a selector per line), so they are given as attribute and class tokens; the
 * CSS each one stands for is in its comment.
 */
export const LOGGED_IN_SECTIONS = {
  /** Anchors inside the section cards; the card is their closest <section>. */
  experienceAnchor: spec('experience', ['#experience'], [...LOGGED_IN_2024, ...LOGGED_IN_2025]),
  educationAnchor: spec('education', ['#education'], [...LOGGED_IN_2024, ...LOGGED_IN_2025]),
  /** `[data-view-name="profile-component-entity"]`: one position, company group or school.
   * Positions of a company group are entities nested in the group's sub-components. */
  entityAttr: ['data-view-name', 'profile-component-entity'] as const,
  /** `.pvs-entity__sub-components`: description, skills, or a group's positions. */
  subComponentsClass: 'pvs-entity__sub-components',
  /** `.t-bold`: title (or the company of a group, or the school). */
  boldClass: 't-bold',
  /** `span.t-14.t-normal:not(.t-black--light)`: "Company · Employment type", or the degree. */
  lineClasses: ['t-14', 't-normal'] as const,
  /** `.t-black--light` line: the dates line or the location. */
  lightClass: 't-black--light',
  /** `.pvs-entity__caption-wrapper`: "Jul 2021 - Present · 3 yrs 1 mo". */
  captionClass: 'pvs-entity__caption-wrapper',
  /** `span[aria-hidden="true"]`: each line holds this visible copy and a screen-reader copy
   * (`.visually-hidden`); only the visible one is read. */
  visible: 'span[aria-hidden="true"]',
  visuallyHiddenClass: 'visually-hidden',
};

export const PUBLIC_SECTIONS = {
  experienceSection: spec('experience', ['section[data-section="experience"]', 'section.experience'], PUBLIC_2024),
  experienceItems: spec(
    'experience',
    [
      'li.profile-section-card', // public 2024 (grouped positions included)
      'li.experience-item', // public 2021–2023
    ],
    PUBLIC_2024,
    // Looked up inside experienceSection.
  ),
  expTitle: '.experience-item__title, h3 .profile-section-card__title',
  expCompany: '.experience-item__subtitle, h4 .profile-section-card__subtitle',
  expGroup: 'li.experience-group',
  expGroupCompany: '.experience-group-header__company',
  expMeta: 'p.experience-item__meta-item, .experience-item__location',
  dateRange: '.date-range',
  /** The duration inside a date range ("2 years 9 months"). */
  duration: 'span.before\\:middot, .date-range__duration',

  educationSection: spec('education', ['section[data-section="educationsDetails"]', 'section.education'], PUBLIC_2024),
  educationItems: spec(
    'education',
    ['li.profile-section-card', 'li.education__list-item'],
    PUBLIC_2024,
    // Looked up inside educationSection.
  ),
  eduSchool: 'h3',
  /** Degree name (no data-section) and field of study / grade (data-section="educations"). */
  eduDegree: 'h4 span:not([data-section])',
  eduFields: 'h4 span[data-section="educations"]',
};

// ---------------------------------------------------------------------------------------------
// Company pages (constructed-company-2026-11, from hooks in DOM-NOTES.md).

export const COMPANY = {
  name: spec(
    'company.name',
    ['.org-top-card-summary__title', 'h1.org-top-card-summary__title', '.top-card-layout__title', 'h1[data-test-id="org-name"]'],
    ['constructed-company-2026-11'],
    // The element also carries the name in its title attribute, read first.
  ),
  website: spec(
    'company.website',
    [
      '.org-top-card-primary-actions__inner a[href^="http"]', // logged-in top card "Visit website"
      'a[data-test-id="about-us__website"]', // public company page
      '.org-page-details-module__card-spacing dd a[href^="http"]', // About section
      'dd.org-page-details__definition-text a[href^="http"]',
    ],
    ['constructed-company-2026-11'],
  ),
  infoItems: spec('company.info', ['.org-top-card-summary-info-list__info-item'], ['constructed-company-2026-11']),
  industry: spec(
    'company.industry',
    ['[data-test-id="about-us__industry"] dd', 'dd.org-page-details__definition-text.industry'],
    ['constructed-company-2026-11'],
    // The first info-list item of the top card is the industry; these are the About-section fallbacks.
  ),
  size: spec(
    'company.size',
    ['dd.org-about-company-module__company-size-definition-text', '[data-test-id="about-us__size"] dd'],
    ['constructed-company-2026-11'],
  ),
  /** An info item that states a head count ("201-500 employees"); localized. */
  sizeText: /\b(?:employees|employés|salariés|Beschäftigte|Mitarbeiter|empleados|funcionários|dipendenti|medewerkers|anställda)\b/i,
  followersText: /\b(?:followers|abonnés|Follower|seguidores|follower)\b/i,
};

// ---------------------------------------------------------------------------------------------
// Sales Navigator / Recruiter lead pages (constructed-sales-lead-2026-11).

export const LEAD = {
  name: spec(
    'lead.name',
    [
      '.profile-topcard-person-entity__name[data-anonymize="person-name"]',
      '.profile-topcard-person-entity__name',
      'h1[data-anonymize="person-name"]',
      '[data-x--lead--name]',
      '[data-anonymize="person-name"]',
    ],
    ['constructed-sales-lead-2026-11'],
    // data-anonymize="person-name" also marks other people (related leads): the top card comes first.
  ),
  topCard: spec(
    'lead.topCard',
    ['.profile-topcard', 'section[data-sn-view-name="lead-top-card"]', '#profile-card-section'],
    ['constructed-sales-lead-2026-11'],
  ),
  headline: spec(
    'lead.headline',
    ['[data-anonymize="headline"]', '.profile-topcard__summary-position'],
    ['constructed-sales-lead-2026-11'],
  ),
  title: spec(
    'lead.title',
    ['[data-anonymize="job-title"]', '.profile-topcard__summary-position-title'],
    ['constructed-sales-lead-2026-11'],
  ),
  company: spec(
    'lead.company',
    ['[data-anonymize="company-name"]', '.profile-topcard__summary-position a[href*="/sales/company/"]'],
    ['constructed-sales-lead-2026-11'],
  ),
  location: spec('lead.location', ['[data-anonymize="location"]', '.profile-topcard__location-data'], ['constructed-sales-lead-2026-11']),
  profileLink: spec(
    'lead.profileUrl',
    ['a[data-control-name="view_linkedin"][href*="/in/"]', 'a[href*="linkedin.com/in/"]', 'a[href^="/in/"]'],
    ['constructed-sales-lead-2026-11'],
    // Searched inside the top card only: other people on the page link their profiles too.
  ),
  /** The top card's overflow menu ("View LinkedIn profile"), which may be rendered outside it. */
  profileMenuLink: spec('lead.profileUrl', ['a[data-control-name="view_linkedin"][href*="/in/"]'], ['constructed-sales-lead-2026-11']),
};

/**
 * Recruiter's candidate profile (constructed-recruiter-profile-2026-12, constructed-recruiter-hire-2026-12):
 * `linkedin_premium` markup with the name in an `<h1>` (DOM-NOTES), `data-test-*` hooks on the
 * positions and schools (as open-source Recruiter tools read them). The search results stay
 * mounted behind the profile panel and "People also viewed" carries other people's headlines:
 * headline, location and the public profile link are read inside the name's section only.
 */
const RECRUITER_PAGES = ['constructed-recruiter-profile-2026-12', 'constructed-recruiter-hire-2026-12'];
export const RECRUITER = {
  name: spec('lead.name', ['h1'], RECRUITER_PAGES),
  headline: spec('lead.headline', ['[data-test-row-lockup-headline]', '.headline'], RECRUITER_PAGES),
  location: spec('lead.location', ['[data-test-row-lockup-location]', '.location'], RECRUITER_PAGES),
  position: spec('experience', ['[data-test-position-entity]'], RECRUITER_PAGES),
  positionTitle: '[data-test-position-entity-title]',
  positionCompany: '[data-test-position-entity-company-name]',
  positionDates: '[data-test-position-entity-date-range]',
  positionLocation: '[data-test-position-entity-location]',
  school: spec('education', ['[data-test-education-entity]'], RECRUITER_PAGES),
  schoolName: '[data-test-education-entity-school-name]',
  degree: '[data-test-education-entity-degree-name], [data-test-education-entity-field-of-study]',
  schoolDates: '[data-test-education-entity-dates]',
};
