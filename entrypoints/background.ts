import { handlers } from '../background/handlers';
import { installRouter } from '../messaging/background-router';

export default defineBackground(() => {
  installRouter(handlers);
});
