// What the LinkedIn content script hands to the background: a `LinkedinCapture` (a profile, a
// company page, or a Sales Navigator / Recruiter lead), or a `NotCapturable` saying why the page
// holds nothing to capture. Plain types, no zod: the content script imports this. The receivers
// (background, sidebar frame) check what they get against linkedin-schema.ts: they trust no page.

/** Limits: the parser clips to these sizes instead of rejecting a page (long titles exist). */
export const LINKEDIN_LIMITS = {
  name: 300,
  nameParts: 200,
  headline: 1000,
  title: 500,
  company: 300,
  location: 300,
  dateRange: 100,
  school: 300,
  degree: 500,
  url: 2000,
  industry: 300,
  size: 100,
  experience: 100,
  education: 50,
  /** LinkedIn ids a capture carries (`linkedinUrns`), and the length of one (normalizeLinkedinUrn). */
  urns: 8,
  urn: 130,
} as const;

/** Which generation of LinkedIn's markup the page was read with. */
export const PROFILE_VARIANTS = ['logged-in', 'public', 'public-2016', 'logged-in-2026'] as const;
/** Where a lead page comes from. */
export const LEAD_SOURCES = ['sales-navigator', 'recruiter'] as const;
export const NOT_CAPTURABLE_REASONS = [
  'not-found',
  'auth-wall',
  'not-a-profile-page',
  'missing-field',
  /** The result did not pass the schema (set by the receiver, capture/check-result.ts). */
  'invalid',
] as const;

/** One position of the experience section. */
export interface LinkedinExperience {
  title: string;
  company?: string;
  /** As the page shows it, without the duration: "Jul 2021 - Present", "2019 - 2021". */
  dateRange?: string;
  location?: string;
}

export interface LinkedinEducation {
  school: string;
  /** Degree and field of study as shown: "Master's degree, Media Production". */
  degree?: string;
  dateRange?: string;
}

export interface LinkedinProfileCapture {
  kind: 'profile';
  site: 'linkedin';
  variant: (typeof PROFILE_VARIANTS)[number];
  name: string;
  firstName: string;
  /** '' for a single name. */
  lastName: string;
  headline?: string;
  location?: string;
  currentTitle?: string;
  currentCompany?: string;
  experience: LinkedinExperience[];
  education: LinkedinEducation[];
  /** https only. */
  photoUrl?: string;
  /** Canonical: https://www.linkedin.com/in/<id>/ */
  profileUrl: string;
  /** Lowercased public identifier (the /in/<id>/ part): the merge key. */
  publicId: string;
  /** The member's other LinkedIn ids, as `normalizeLinkedinUrn` writes them (decision 0038). */
  linkedinUrns?: string[];
}

export interface LinkedinCompanyCapture {
  kind: 'company';
  site: 'linkedin';
  name: string;
  /** http(s): company websites are still often plain http. */
  website?: string;
  /** `normalizeDomain(website)`: lowercase host without "www.". */
  domain?: string;
  industry?: string;
  size?: string;
  location?: string;
  /** https://www.linkedin.com/company/<slug>/ (or school/, showcase/) */
  linkedinUrl: string;
  slug: string;
}

export interface LinkedinLeadCapture {
  kind: 'lead';
  site: 'linkedin';
  source: (typeof LEAD_SOURCES)[number];
  name: string;
  firstName: string;
  lastName: string;
  headline?: string;
  title?: string;
  company?: string;
  location?: string;
  /** Canonical public profile URL when the page links it. */
  profileUrl?: string;
  publicId?: string;
  /** The Sales Navigator / Recruiter page itself (without query). */
  pageUrl: string;
  /**
   * The lead's or candidate's ids (from the page URL and its top card): who it is when no public
   * profile is linked (decision 0038).
   */
  linkedinUrns?: string[];
  /** Recruiter profiles show the positions and schools. */
  experience?: LinkedinExperience[];
  education?: LinkedinEducation[];
}

export type LinkedinCapture = LinkedinProfileCapture | LinkedinCompanyCapture | LinkedinLeadCapture;

export interface NotCapturable {
  kind: 'not-capturable';
  reason: NotCapturableReason;
  /** Human-readable; for `missing-field` it names the field and the selectors tried. */
  detail: string;
  /** For `missing-field`: the field's name ("name", "publicId", "company.name"…). */
  field?: string;
}

export type LinkedinParseResult = LinkedinCapture | NotCapturable;
export type NotCapturableReason = (typeof NOT_CAPTURABLE_REASONS)[number];
