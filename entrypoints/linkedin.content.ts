import { runSiteDriver } from '../sites/common/driver';
import { parseLinkedinPage } from '../sites/linkedin/parse';
import { linkedinMayShowSidebar, linkedinWantsSidebar } from '../sites/linkedin/selectors';

export default defineContentScript({
  // www: the logged-in app (a single-page app: every path, the driver idles off profile pages).
  // Country hosts (de., uk., se., no., fr. …) serve logged-out public profiles and company pages:
  // Chrome allows no narrower host than *.linkedin.com, so the paths are narrowed instead to the
  // page kinds the parser reads (URL_PATTERNS.profile and .company in sites/linkedin/selectors.ts).
  matches: [
    'https://www.linkedin.com/*',
    'https://*.linkedin.com/in/*',
    'https://*.linkedin.com/pub/*',
    'https://*.linkedin.com/company/*',
    'https://*.linkedin.com/school/*',
    'https://*.linkedin.com/showcase/*',
  ],
  // document_start: the sidebar frame loads alongside the page (the driver waits for the DOM).
  runAt: 'document_start',
  // WXT would otherwise post "<extension id>:linkedin:wxt:content-script-started" to the page's window:
  // the page would learn Rapport is installed. The custom event WXT also sends still stops an older copy.
  noScriptStartedPostMessage: true,
  main(ctx) {
    void runSiteDriver(ctx, {
      site: 'linkedin',
      parse: parseLinkedinPage,
      // A capture, or a page where a person or company is expected (the sidebar explains why not).
      wantsSidebar: linkedinWantsSidebar,
      // Feed, jobs, messaging…: idle until an in-app navigation reaches a profile, company or lead.
      mayShowSidebar: linkedinMayShowSidebar,
    });
  },
});
