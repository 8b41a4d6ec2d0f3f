// The person's open deals, cases and candidacies on their page, each stage changed in place, and
// a new one for them (the popup's actions: the same form, the same links).
import { route } from 'preact-router';
import { NewItemActions } from '../../popup/NewItemActions';
import type { Contact } from '../../../storage/schema';
import { itemPath } from '../routes';

export function ContactItems({ contact }: { contact: Contact }) {
  return (
    <section class="ws-work" data-testid="contact-items">
      <NewItemActions
        contact={contact}
        onOpenItem={(path) => route(path)}
        itemHref={(id) => `#${itemPath(id)}`}
        newTab={false}
        formClass="ws-form"
      />
    </section>
  );
}
