import { handlers, onCommand } from './handlers';
import { installEntryPoints } from './entry-points';
import { installIndexRebuild } from './index-service';
import { ALARM as SYNC_ALARM, installSyncTriggers } from './sync-service';
import { installRouter } from '../../messaging/background-router';
import { installTaskService } from './task-service';
import { installKeepInTouch } from './keep-in-touch';
import { installSlaReminders } from './sla-reminders';

export default defineBackground(() => {
  // Gmail through InboxSDK (build with WXT_INBOXSDK_APP_ID): its listener injects pageWorld.js
  // into Gmail's main world. It answers its message synchronously, so its reply wins over the
  // router's (asynchronous) refusal of a message outside the protocol. Left out of the bundle
  // without an app id.
  if (import.meta.env.WXT_INBOXSDK_APP_ID) void import('@inboxsdk/core/background.js');
  installRouter(handlers);
  browser.commands?.onCommand.addListener((command, tab) => void onCommand(command, tab));
  installEntryPoints();
  installSyncTriggers();
  // A search-index rebuild left by an upgrade goes on at start-up and with the sync alarm (1 min).
  installIndexRebuild(SYNC_ALARM);
  // The badge and reminders, and the daily keep-in-touch pass (decision 0050).
  installTaskService();
  installKeepInTouch();
  // Reminders before a case breaches its SLA, under the same switch and permission (issue 18).
  installSlaReminders();
});
