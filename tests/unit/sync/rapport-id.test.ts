// The pure parts of HubSpot's Rapport-id handling: the id named in a 409, and the options page's notice.
import { describe, expect, it } from 'vitest';
import { exactnessNotice, existingIdOf } from '../../../connectors/hubspot/rapport-id';
import { ConnectorError } from '../../../connectors/types';

describe('existingIdOf', () => {
  it('reads the id HubSpot names in a 409 CONFLICT, and only there', () => {
    expect(
      existingIdOf(new ConnectorError('HubSpot: A task with rapport_id "tk_1" already exists. Existing ID: 1042', 'conflict', 409)),
    ).toBe('1042');
    expect(existingIdOf(new ConnectorError('Contact already exists. Existing ID: 77', 'conflict', 409))).toBe('77');
    expect(existingIdOf(new ConnectorError('Existing ID: 77', 'validation', 400))).toBeUndefined();
    expect(existingIdOf(new ConnectorError('conflict without an id', 'conflict', 409))).toBeUndefined();
  });
});

describe('exactnessNotice', () => {
  it('is silent when every object has the property, and names the missing scopes otherwise', () => {
    expect(
      exactnessNotice({ contacts: { kind: 'unique', property: 'rapport_id' }, tasks: { kind: 'plain', property: 'rapport_id' } }),
    ).toBe(undefined);
    const notice = exactnessNotice({
      contacts: { kind: 'unique', property: 'rapport_id' },
      notes: { kind: 'none', reason: 'the token lacks the crm.schemas.notes.write scope' },
      tasks: { kind: 'none', reason: 'the token lacks the crm.schemas.tasks.write scope' },
    });
    expect(notice).toContain('notes, tasks');
    expect(notice).toContain('crm.schemas.notes.write, crm.schemas.tasks.write scopes');
    expect(notice).not.toContain('crm.schemas.contacts');
  });
});
