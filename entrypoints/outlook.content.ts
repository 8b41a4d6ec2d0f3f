import { runSiteDriver } from '../sites/common/driver';
import { parseOutlookPage } from '../sites/outlook/parse';
import { outlookMayShowSidebar } from '../sites/outlook/selectors';

export default defineContentScript({
  matches: ['https://outlook.office.com/*', 'https://outlook.office365.com/*', 'https://outlook.live.com/*'],
  // document_start: the sidebar frame loads alongside the page (the driver waits for the DOM).
  runAt: 'document_start',
  // WXT would otherwise post "<extension id>:outlook:wxt:content-script-started" to the page's window:
  // the page would learn Rapport is installed. The custom event WXT also sends still stops an older copy.
  noScriptStartedPostMessage: true,
  main(ctx) {
    void runSiteDriver(ctx, {
      site: 'outlook',
      parse: parseOutlookPage,
      // A conversation, or the recipients of a message being written.
      wantsSidebar: (result) => result.kind === 'thread' || result.kind === 'compose',
      // Calendar, people, files…: idle until an in-app navigation reaches mail.
      mayShowSidebar: outlookMayShowSidebar,
    });
  },
});
