import { runGmailDom, runGmailWithInboxSdk } from '../sites/gmail/run';

export default defineContentScript({
  matches: ['https://mail.google.com/*'],
  // document_start: the sidebar frame loads alongside the page (the driver waits for the DOM).
  runAt: 'document_start',
  // WXT would otherwise post "<extension id>:gmail:wxt:content-script-started" to the page's window:
  // the page would learn Rapport is installed. The custom event WXT also sends still stops an older copy.
  noScriptStartedPostMessage: true,
  main(ctx) {
    // A build-time constant (wxt.config.ts): without an app id this branch, and InboxSDK with it,
    // is left out of the bundle.
    if (import.meta.env.WXT_INBOXSDK_APP_ID) void runGmailWithInboxSdk(ctx, String(import.meta.env.WXT_INBOXSDK_APP_ID));
    else void runGmailDom(ctx);
  },
});
