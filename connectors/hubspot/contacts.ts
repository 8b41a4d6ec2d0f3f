// Pushing contacts: find each one in HubSpot (known id, email, unique Rapport id, LinkedIn URL, exact
// name), then update its empty properties, upsert it by email or create it (with the Rapport id), and
// associate it with its company. Email and the Rapport id are batch reads (exact); LinkedIn and name
// are searches, repeated once the index has settled for a retried contact they missed (no unique id).
import type { Contact } from '../../storage/schema';
import { chunk, emailKey } from '../http';
import { oldest, type Outcomes } from '../outcomes';
import type { ConnectorContext, PushItem } from '../types';
import { groupBy, recordOf, writeAndSettle, type RecordWork } from './batch';
import type { HsObject, HubspotClient } from './client';
import type { HubspotConfig } from './config';
import { contactProperties, effectiveMapping, linkedinVariants, mappedProperties, normalizeLinkedin } from './mapping';
import { rapportIdMode, readByRapportId, searchAgainWhenSettled } from './rapport-id';

interface ContactWork extends RecordWork {
  contact: Contact;
  email?: string;
}

export async function pushContacts(
  client: HubspotClient,
  ctx: ConnectorContext<HubspotConfig>,
  items: PushItem[],
  outcomes: Outcomes,
): Promise<void> {
  const mapping = effectiveMapping(ctx.fieldMapping);
  const emailProp = mapping.emails || 'email';
  const linkedinProp = mapping.linkedinUrl;
  const readProps = [...new Set([...mappedProperties(mapping), emailProp])];

  const valid = items.filter((i) => recordOf(i, ['contact']) !== undefined);
  const groups = groupBy(valid, (i) => {
    const c = recordOf(i, ['contact']) as Contact;
    const email = emailKey(c.emails[0]);
    return i.remoteId ? `id:${i.remoteId}` : email ? `email:${email}` : `local:${c.id}`;
  });
  const work: ContactWork[] = [...groups.values()].map((group) => {
    const contact = recordOf(group[0], ['contact']) as Contact;
    const props = contactProperties(contact, mapping);
    return { items: group, contact, props, email: emailKey(contact.emails[0]) };
  });

  // Overwrite mode (the user's say-so, principle 6): no read before writing; a known id is
  // updated, an email is upserted (HubSpot's native upsert), one request per batch.
  const overwrite = ctx.config.existingContacts === 'overwrite';
  if (overwrite) for (const w of work) if (w.items[0].remoteId) w.remote = { id: w.items[0].remoteId, properties: {} } as HsObject;

  // A. Known remote ids.
  const byRemoteId = work.filter((w) => w.items[0].remoteId && !overwrite);
  if (byRemoteId.length > 0) {
    const found = await client.batchRead(
      'contacts',
      byRemoteId.map((w) => w.items[0].remoteId as string),
      readProps,
    );
    const map = new Map(found.map((o) => [o.id, o]));
    for (const w of byRemoteId) w.remote = map.get(w.items[0].remoteId as string);
  }
  // B. By email (HubSpot's unique id property for contacts).
  const byEmail = work.filter((w) => !w.remote && w.email && !overwrite);
  if (byEmail.length > 0) {
    const found = await client.batchRead(
      'contacts',
      byEmail.map((w) => w.email as string),
      readProps,
      emailProp,
    );
    const map = new Map(found.map((o) => [emailKey(o.properties[emailProp] ?? undefined), o]));
    for (const w of byEmail) w.remote = map.get(w.email);
  }
  // B2. No email: an earlier create of ours, by the unique Rapport id.
  const mode = await rapportIdMode(client, 'contacts', ctx.config.rapportIdProperty || undefined, ctx.memory);
  const noEmail = work.filter((w) => !w.remote && !w.email && !w.items[0].remoteId && !w.items.every((i) => i.firstSend));
  if (mode.kind === 'unique' && noEmail.length > 0) {
    const map = await readByRapportId(
      client,
      'contacts',
      mode.property,
      noEmail.map((w) => w.contact.id),
      readProps,
    );
    for (const w of noEmail) w.remote = map.get(w.contact.id.toLowerCase());
  }
  await findWithoutEmail(work);
  if (mode.kind !== 'unique') {
    const missed = work.filter((w) => !w.remote && !w.email && !w.items.every((i) => i.firstSend));
    await searchAgainWhenSettled(missed, findWithoutEmail);
  }

  // E. Writes: update the empty properties, upsert by email, or create.
  const remoteIds = await writeAndSettle(
    client,
    'contacts',
    work,
    outcomes,
    (w) => (w.email ? { idProperty: emailProp, id: w.email } : undefined),
    (w) => (mode.kind === 'none' ? {} : { [mode.property]: w.contact.id }),
  );

  // F. Contact → company (default association; idempotent).
  const companyPairs: { from: string; to: string }[] = [];
  for (const [w, remoteId] of remoteIds) {
    const companyRemote = w.contact.companyId ? w.items[0].linked.companies[w.contact.companyId] : undefined;
    if (remoteId && companyRemote) companyPairs.push({ from: remoteId, to: companyRemote });
  }
  if (companyPairs.length > 0) await client.associateDefault('contacts', 'companies', companyPairs);

  // C and D: searches, for contacts without an email.
  async function findWithoutEmail(work: ContactWork[]): Promise<void> {
    // C. No email: by LinkedIn URL.
    const byLinkedin = work.filter((w) => !w.remote && !w.email && linkedinProp && normalizeLinkedin(w.contact.linkedinUrl));
    for (const part of chunk(byLinkedin, 20)) {
      const values = [...new Set(part.flatMap((w) => linkedinVariants(w.contact.linkedinUrl as string)))];
      const found = await client.searchAll('contacts', {
        filterGroups: [{ filters: [{ propertyName: linkedinProp, operator: 'IN', values }] }],
        properties: readProps,
      });
      for (const w of part) {
        const key = normalizeLinkedin(w.contact.linkedinUrl);
        w.remote = oldest(found.filter((o) => normalizeLinkedin(o.properties[linkedinProp] ?? undefined) === key));
      }
    }
    // D. No email, no LinkedIn match: exact name among contacts without an email.
    const firstProp = mapping.firstName;
    const lastProp = mapping.lastName;
    const byName = work.filter((w) => !w.remote && !w.email && firstProp && w.props[firstProp]);
    for (const part of chunk(byName, 5)) {
      const filterGroups = part.map((w) => ({
        filters: [
          { propertyName: firstProp, operator: 'EQ', value: w.props[firstProp] },
          lastProp && w.props[lastProp]
            ? { propertyName: lastProp, operator: 'EQ', value: w.props[lastProp] }
            : { propertyName: lastProp || firstProp, operator: lastProp ? 'NOT_HAS_PROPERTY' : 'HAS_PROPERTY' },
          { propertyName: emailProp, operator: 'NOT_HAS_PROPERTY' },
        ],
      }));
      const found = await client.searchAll('contacts', { filterGroups, properties: readProps });
      const same = (a: string | null | undefined, b: string | undefined) =>
        (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
      for (const w of part) {
        w.remote = oldest(
          found.filter(
            (o) =>
              same(o.properties[firstProp], w.props[firstProp]) &&
              (!lastProp || same(o.properties[lastProp], w.props[lastProp])) &&
              !o.properties[emailProp],
          ),
        );
      }
    }
  }
}
