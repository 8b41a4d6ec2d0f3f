import { MailCaptureResult } from '../sites/mail/capture';
import { runSiteDriver } from '../sites/common/driver';
import { parseGmailThread } from '../sites/gmail/parse';

export default defineContentScript({
  matches: ['https://mail.google.com/*'],
  runAt: 'document_end',
  main(ctx) {
    void runSiteDriver(ctx, {
      site: 'gmail',
      schema: MailCaptureResult,
      parse: parseGmailThread,
      wantsSidebar: (result) => result.kind === 'thread',
    });
  },
});
