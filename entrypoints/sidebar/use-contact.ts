import { useLiveQuery } from '../../components/use-live-query';
import { type TimelineItem, getTimeline } from '../../storage/queries';
import type { Contact } from '../../storage/schema';

export interface ContactData {
  /** Undefined: the database holds nobody for this card. */
  contact?: Contact;
  timeline: TimelineItem[];
}

/**
 * The stored person a card shows (found by `find`) and their history, kept current as they are
 * saved, noted, logged or synced; undefined until looked up.
 */
export function useContact(find: () => Promise<Contact | undefined>, deps: unknown[]): ContactData | undefined {
  return useLiveQuery(async () => {
    const contact = await find();
    return { contact, timeline: contact ? await getTimeline(contact.id) : [] };
  }, deps);
}
