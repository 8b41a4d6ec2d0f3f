import { LinkedinParseResult } from '../sites/linkedin/capture';
import { runSiteDriver } from '../sites/common/driver';
import { parseLinkedinPage } from '../sites/linkedin/parse';

// Pages where a person or company is expected: the sidebar explains when it cannot read one.
const PROFILE_LIKE = /^\/(in|pub|company|school|sales\/lead|sales\/people|talent\/profile|talent\/hire)\//;

export default defineContentScript({
  matches: ['https://www.linkedin.com/*'],
  runAt: 'document_end',
  main(ctx) {
    void runSiteDriver(ctx, {
      site: 'linkedin',
      schema: LinkedinParseResult,
      parse: parseLinkedinPage,
      wantsSidebar: (result, url) => result.kind !== 'not-capturable' || PROFILE_LIKE.test(new URL(url).pathname),
    });
  },
});
