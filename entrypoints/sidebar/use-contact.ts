import { useEffect, useState } from 'preact/hooks';
import { type TimelineItem, getTimeline } from '../../storage/queries';
import type { Contact } from '../../storage/schema';

export interface ContactData {
  /** Undefined: the database holds nobody for this card. */
  contact?: Contact;
  timeline: TimelineItem[];
}

/** The stored person a card shows (found by `find`) and their history; null until looked up. */
export function useContact(find: () => Promise<Contact | undefined>, deps: unknown[]) {
  const [data, setData] = useState<ContactData | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    void (async () => {
      const contact = await find();
      const timeline = contact ? await getTimeline(contact.id) : [];
      if (live) setData({ contact, timeline });
    })();
    return () => {
      live = false;
    };
  }, [...deps, version]);
  return { data, reload: () => setVersion((v) => v + 1) };
}
