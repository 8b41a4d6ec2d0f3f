// The zod schemas of a LinkedIn capture (types and limits in linkedin.ts), for the receivers: the
// background and the sidebar frame check what the content script sends (capture/check-result.ts).
// Content scripts never import this module: zod would be most of their size.
import { z } from 'zod';
import type { Agree, Assert } from './schema-agreement';
import {
  LEAD_SOURCES,
  LINKEDIN_LIMITS as L,
  NOT_CAPTURABLE_REASONS,
  PROFILE_VARIANTS,
  type LinkedinCapture,
  type LinkedinCompanyCapture,
  type LinkedinEducation,
  type LinkedinExperience,
  type LinkedinLeadCapture,
  type LinkedinProfileCapture,
  type NotCapturable,
} from './linkedin';

// Built on first use, like the mail schemas (see mail-schema.ts and decision 0008).
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
  /** `urn:li:fsd_profile:ACoAA…`, `urn:li:member:123`, `urn:li:fs_salesProfile:ACwAA…`, `urn:li:ts_profile:AEMAA…`. */
  const urns = z
    .array(z.string().regex(/^urn:li:[A-Za-z_]{1,20}:[A-Za-z0-9_-]{1,100}$/))
    .min(1)
    .max(L.urns);

  const LinkedinExperience = z.object({
    title: str(L.title),
    company: str(L.company).optional(),
    dateRange: str(L.dateRange).optional(),
    location: str(L.location).optional(),
  });

  const LinkedinEducation = z.object({
    school: str(L.school),
    degree: str(L.degree).optional(),
    dateRange: str(L.dateRange).optional(),
  });

  const LinkedinProfileCapture = z.object({
    kind: z.literal('profile'),
    site: z.literal('linkedin'),
    variant: z.enum(PROFILE_VARIANTS),
    name: str(L.name),
    firstName: str(L.nameParts),
    lastName: z.string().max(L.nameParts),
    headline: str(L.headline).optional(),
    location: str(L.location).optional(),
    currentTitle: str(L.title).optional(),
    currentCompany: str(L.company).optional(),
    experience: z.array(LinkedinExperience).max(L.experience),
    education: z.array(LinkedinEducation).max(L.education),
    photoUrl: httpsUrl.optional(),
    profileUrl,
    publicId: str(200),
    linkedinUrns: urns.optional(),
  });

  const LinkedinCompanyCapture = z.object({
    kind: z.literal('company'),
    site: z.literal('linkedin'),
    name: str(L.company),
    website: webUrl.optional(),
    domain: str(253).optional(),
    industry: str(L.industry).optional(),
    size: str(L.size).optional(),
    location: str(L.location).optional(),
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
    profileUrl: profileUrl.optional(),
    publicId: str(200).optional(),
    pageUrl: httpsUrl,
    linkedinUrns: urns.optional(),
    experience: z.array(LinkedinExperience).max(L.experience).optional(),
    education: z.array(LinkedinEducation).max(L.education).optional(),
  });

  const LinkedinCapture = z.discriminatedUnion('kind', [LinkedinProfileCapture, LinkedinCompanyCapture, LinkedinLeadCapture]);

  const NotCapturable = z.object({
    kind: z.literal('not-capturable'),
    reason: z.enum(NOT_CAPTURABLE_REASONS),
    detail: z.string().max(2000),
    field: z.string().max(100).optional(),
  });

  return {
    LinkedinExperience,
    LinkedinEducation,
    LinkedinProfileCapture,
    LinkedinCompanyCapture,
    LinkedinLeadCapture,
    LinkedinCapture,
    NotCapturable,
  };
}
let built: ReturnType<typeof build> | undefined;
const schemas = () => (built ??= build());

export const LinkedinExperienceSchema = /* @__PURE__ */ z.lazy(() => schemas().LinkedinExperience);
export const LinkedinEducationSchema = /* @__PURE__ */ z.lazy(() => schemas().LinkedinEducation);
export const LinkedinProfileCaptureSchema = /* @__PURE__ */ z.lazy(() => schemas().LinkedinProfileCapture);
export const LinkedinCompanyCaptureSchema = /* @__PURE__ */ z.lazy(() => schemas().LinkedinCompanyCapture);
export const LinkedinLeadCaptureSchema = /* @__PURE__ */ z.lazy(() => schemas().LinkedinLeadCapture);
/** Profile, company or lead, told apart by `kind` (a failure names the path inside that kind). */
export const LinkedinCaptureSchema = /* @__PURE__ */ z.lazy(() => schemas().LinkedinCapture);
export const LinkedinNotCapturableSchema = /* @__PURE__ */ z.lazy(() => schemas().NotCapturable);

/** Fails to compile when a schema and its interface in linkedin.ts drift apart. */
export type LinkedinSchemasAgree = [
  Assert<Agree<z.infer<typeof LinkedinExperienceSchema>, LinkedinExperience>>,
  Assert<Agree<z.infer<typeof LinkedinEducationSchema>, LinkedinEducation>>,
  Assert<Agree<z.infer<typeof LinkedinProfileCaptureSchema>, LinkedinProfileCapture>>,
  Assert<Agree<z.infer<typeof LinkedinCompanyCaptureSchema>, LinkedinCompanyCapture>>,
  Assert<Agree<z.infer<typeof LinkedinLeadCaptureSchema>, LinkedinLeadCapture>>,
  Assert<Agree<z.infer<typeof LinkedinCaptureSchema>, LinkedinCapture>>,
  Assert<Agree<z.infer<typeof LinkedinNotCapturableSchema>, NotCapturable>>,
];
