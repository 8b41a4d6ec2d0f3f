import { handlers } from '../background/handlers';
import { installSyncTriggers } from '../background/sync-service';
import { installRouter } from '../messaging/background-router';

export default defineBackground(() => {
  installRouter(handlers);
  installSyncTriggers();
});
