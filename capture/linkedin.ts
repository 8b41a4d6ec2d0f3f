// What the LinkedIn content script hands to the background: a zod-checked `LinkedinCapture`
// (a profile, a company page, or a Sales Navigator / Recruiter lead), or a `NotCapturable`
// saying why the page holds nothing to capture. The parser validates with these schemas before
// returning; the background validates again on receipt (it trusts no page).
import { z } from 'zod';

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

const L = LINKEDIN_LIMITS;
/** Which generation of LinkedIn's markup the page was read with. */
export const PROFILE_VARIANTS = ['logged-in', 'public', 'public-2016', 'logged-in-2026'] as const;
/** Where a lead page comes from. */
export const LEAD_SOURCES = ['sales-navigator', 'recruiter'] as const;
export const NOT_CAPTURABLE_REASONS = ['not-found', 'auth-wall', 'not-a-profile-page', 'missing-field'] as const;

// The schemas are built on first use, not when the module loads: building zod schemas costs
// milliseconds of main-thread time, which a content script would add to every page of the site,
// even one it never reads (docs/decisions/0008-lazy-capture-schemas-and-url-gate.md). Each export is a `z.lazy` over the built schema
// (marked pure, so a bundle that does not use an export leaves it out).
function build() {
  const str = (max: number) => z.string().min(1).max(max);
  const httpsUrl = z
    .string()
    .max(L.url)
    .refine((s) => /^https:\/\/[^\s/]+\.[^\s/]+/.test(s), 'expected an https URL');
  /** Company websites are still often plain http. */
  const webUrl = z
    .string()
    .max(L.url)
    .refine((s) => /^https?:\/\/[^\s/]+\.[^\s/]+/.test(s), 'expected an http(s) URL');
  /** A canonical profile URL: https://www.linkedin.com/in/<id>/ */
  const profileUrl = z
    .string()
    .max(500)
    .regex(/^https:\/\/www\.linkedin\.com\/in\/[^/?#\s]+\/$/, 'expected https://www.linkedin.com/in/<id>/');

  const LinkedinExperience = z.object({
    title: str(L.title),
    company: str(L.company).optional(),
    /** As the page shows it, without the duration: "Jul 2021 - Present", "2019 - 2021". */
    dateRange: str(L.dateRange).optional(),
    location: str(L.location).optional(),
  });

  const LinkedinEducation = z.object({
    school: str(L.school),
    /** Degree and field of study as shown: "Master's degree, Media Production". */
    degree: str(L.degree).optional(),
    dateRange: str(L.dateRange).optional(),
  });
  /** `urn:li:fsd_profile:ACoAA…`, `urn:li:member:123`, `urn:li:fs_salesProfile:ACwAA…`, `urn:li:ts_profile:AEMAA…`. */
  const urns = z
    .array(z.string().regex(/^urn:li:[A-Za-z_]{1,20}:[A-Za-z0-9_-]{1,100}$/))
    .min(1)
    .max(L.urns);

  const LinkedinProfileCapture = z.object({
    kind: z.literal('profile'),
    site: z.literal('linkedin'),
    variant: z.enum(PROFILE_VARIANTS),
    name: str(L.name),
    firstName: str(L.nameParts),
    /** '' for a single name. */
    lastName: z.string().max(L.nameParts),
    headline: str(L.headline).optional(),
    location: str(L.location).optional(),
    currentTitle: str(L.title).optional(),
    currentCompany: str(L.company).optional(),
    experience: z.array(LinkedinExperience).max(L.experience),
    education: z.array(LinkedinEducation).max(L.education),
    photoUrl: httpsUrl.optional(),
    profileUrl,
    /** Lowercased public identifier (the /in/<id>/ part): the merge key. */
    publicId: str(200),
    /** The member's other LinkedIn ids, as `normalizeLinkedinUrn` writes them (decision 0038). */
    linkedinUrns: urns.optional(),
  });

  const LinkedinCompanyCapture = z.object({
    kind: z.literal('company'),
    site: z.literal('linkedin'),
    name: str(L.company),
    website: webUrl.optional(),
    /** `normalizeDomain(website)`: lowercase host without "www.". */
    domain: str(253).optional(),
    industry: str(L.industry).optional(),
    size: str(L.size).optional(),
    location: str(L.location).optional(),
    /** https://www.linkedin.com/company/<slug>/ */
    linkedinUrl: z
      .string()
      .max(500)
      .regex(/^https:\/\/www\.linkedin\.com\/(company|school|showcase)\/[^/?#\s]+\/$/),
    slug: str(200),
  });

  const LinkedinLeadCapture = z.object({
    kind: z.literal('lead'),
    site: z.literal('linkedin'),
    source: z.enum(LEAD_SOURCES),
    name: str(L.name),
    firstName: str(L.nameParts),
    lastName: z.string().max(L.nameParts),
    headline: str(L.headline).optional(),
    title: str(L.title).optional(),
    company: str(L.company).optional(),
    location: str(L.location).optional(),
    /** Canonical public profile URL when the page links it. */
    profileUrl: profileUrl.optional(),
    publicId: str(200).optional(),
    /** The lead's or candidate's ids (from the page URL and its top card): who it is when no
     * public profile is linked (decision 0038). */
    linkedinUrns: urns.optional(),
    /** Recruiter profiles show the positions and schools. */
    experience: z.array(LinkedinExperience).max(L.experience).optional(),
    education: z.array(LinkedinEducation).max(L.education).optional(),
    /** The Sales Navigator / Recruiter page itself (without query). */
    pageUrl: httpsUrl,
  });

  const LinkedinCapture = z.discriminatedUnion('kind', [LinkedinProfileCapture, LinkedinCompanyCapture, LinkedinLeadCapture]);

  const NotCapturable = z.object({
    kind: z.literal('not-capturable'),
    reason: z.enum(NOT_CAPTURABLE_REASONS),
    /** Human-readable; for `missing-field` it names the field and the selectors tried. */
    detail: z.string().max(2000),
    /** For `missing-field`: the field's name ("name", "publicId", "company.name"…). */
    field: z.string().max(100).optional(),
  });

  const LinkedinParseResult = z.union([LinkedinCapture, NotCapturable]);
  return {
    LinkedinExperience,
    LinkedinEducation,
    LinkedinProfileCapture,
    LinkedinCompanyCapture,
    LinkedinLeadCapture,
    LinkedinCapture,
    NotCapturable,
    LinkedinParseResult,
  };
}
let built: ReturnType<typeof build> | undefined;
const schemas = () => (built ??= build());

export const LinkedinExperience = /* @__PURE__ */ z.lazy(() => schemas().LinkedinExperience);
export type LinkedinExperience = z.infer<typeof LinkedinExperience>;
export const LinkedinEducation = /* @__PURE__ */ z.lazy(() => schemas().LinkedinEducation);
export type LinkedinEducation = z.infer<typeof LinkedinEducation>;
export const LinkedinProfileCapture = /* @__PURE__ */ z.lazy(() => schemas().LinkedinProfileCapture);
export type LinkedinProfileCapture = z.infer<typeof LinkedinProfileCapture>;
export const LinkedinCompanyCapture = /* @__PURE__ */ z.lazy(() => schemas().LinkedinCompanyCapture);
export type LinkedinCompanyCapture = z.infer<typeof LinkedinCompanyCapture>;
export const LinkedinLeadCapture = /* @__PURE__ */ z.lazy(() => schemas().LinkedinLeadCapture);
export type LinkedinLeadCapture = z.infer<typeof LinkedinLeadCapture>;
export const LinkedinCapture = /* @__PURE__ */ z.lazy(() => schemas().LinkedinCapture);
export type LinkedinCapture = z.infer<typeof LinkedinCapture>;
export const NotCapturable = /* @__PURE__ */ z.lazy(() => schemas().NotCapturable);
export type NotCapturable = z.infer<typeof NotCapturable>;
export const LinkedinParseResult = /* @__PURE__ */ z.lazy(() => schemas().LinkedinParseResult);
export type LinkedinParseResult = LinkedinCapture | NotCapturable;
export type NotCapturableReason = (typeof NOT_CAPTURABLE_REASONS)[number];
