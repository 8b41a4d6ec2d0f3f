// Each export of tests/fixtures/csv is recognised as its product's and its columns go to the right
// fields: the mapping step's proposal, and the people the import stores.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvSample, type CsvField, type CsvPreset } from '../../../importers/csv';
import { IGNORE, proposeColumns } from '../../../importers/csv-mapping';
import { collectImport } from '../../../importers/types';

const dir = resolve(__dirname, '../../fixtures/csv');
const read = (f: string) => readFileSync(resolve(dir, f), 'utf8');

interface Vector {
  file: string;
  preset: CsvPreset;
  /** Header → field it must be proposed for. */
  mapped: Record<string, CsvField>;
  /** Headers that must stay ignored (they look like a field but are not one). */
  ignored: string[];
  /** What the first person of the file becomes. */
  first: Record<string, unknown>;
}

const VECTORS: Vector[] = [
  {
    file: 'google-contacts.csv',
    preset: 'google',
    mapped: {
      'First Name': 'firstName',
      'Last Name': 'lastName',
      'Organization Name': 'company',
      'Organization Title': 'title',
      'E-mail 1 - Value': 'email',
      'E-mail 2 - Value': 'email',
      'Phone 1 - Value': 'phone',
      'Address 1 - City': 'city',
      'Address 1 - Country': 'country',
      Labels: 'tags',
      'Website 1 - Value': 'linkedinUrl',
      Notes: 'note',
    },
    ignored: ['E-mail 1 - Label', 'Phone 1 - Label', 'File As', 'Nickname', 'Organization Department'],
    first: {
      name: 'Ingrid Halvorsen',
      emails: ['ingrid@fjord-analytics.example'],
      phones: ['+4741234567'],
      company: 'Fjord Analytics',
      title: 'Head of Data',
      location: 'Bergen, Norway',
      tags: ['Clients'],
      linkedinId: 'ingrid-halvorsen-example',
    },
  },
  {
    file: 'outlook.csv',
    preset: 'outlook',
    mapped: {
      'First Name': 'firstName',
      'Middle Name': 'middleName',
      'Last Name': 'lastName',
      Company: 'company',
      'Job Title': 'title',
      'E-mail Address': 'email',
      'E-mail 2 Address': 'email',
      'Mobile Phone': 'phone',
      'Business Phone': 'phone',
      'Business City': 'city',
      'Business Country/Region': 'country',
      Categories: 'tags',
    },
    ignored: ['Title', 'Suffix', 'E-mail Display Name', 'E-mail Type', 'Business Fax', 'Pager'],
    first: {
      name: 'Amara Okafor',
      emails: ['amara.okafor@lagoshealth.example'],
      phones: ['+2348031234567'],
      company: 'Lagos Health',
      title: 'Chief Medical Officer',
      location: 'Lagos, Nigeria',
      tags: ['Partners', 'VIP'],
    },
  },
  {
    file: 'linkedin-connections.csv',
    preset: 'linkedin',
    mapped: {
      'First Name': 'firstName',
      'Last Name': 'lastName',
      URL: 'linkedinUrl',
      'Email Address': 'email',
      Company: 'company',
      Position: 'title',
    },
    ignored: ['Connected On'],
    first: {
      name: 'Priya Raman',
      emails: ['priya@example.in'],
      company: 'Chennai Robotics',
      title: 'CTO',
      linkedinId: 'priya-raman-example',
    },
  },
  {
    file: 'hubspot-contacts.csv',
    preset: 'hubspot',
    mapped: {
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      'Phone Number': 'phone',
      'Company Name': 'company',
      'Job Title': 'title',
      'Lifecycle Stage': 'stage',
      City: 'city',
      'Country/Region': 'country',
      'Website URL': 'companyDomain',
    },
    ignored: ['Record ID', 'Lead Status', 'Contact owner', 'Create Date'],
    first: {
      name: 'Sofia Marino',
      emails: ['sofia@torino-design.example'],
      company: 'Torino Design',
      title: 'Founder',
      stage: 'customer',
      location: 'Turin, Italy',
    },
  },
  {
    file: 'pipedrive-people.csv',
    preset: 'pipedrive',
    mapped: {
      'Person - Name': 'name',
      'Person - First name': 'firstName',
      'Person - Last name': 'lastName',
      'Person - Email - Work': 'email',
      'Person - Email - Home': 'email',
      'Person - Email - Other': 'email',
      'Person - Phone - Work': 'phone',
      'Person - Phone - Mobile': 'phone',
      'Person - Organization': 'company',
      'Person - Job title': 'title',
      'Person - Label': 'tags',
      'Person - Postal address - City/Town': 'city',
      'Person - Postal address - Country': 'country',
    },
    ignored: ['Person - ID', 'Person - Owner', 'Person - Marketing status', 'Person - Visible to'],
    first: {
      name: 'Chloé Martin',
      emails: ['chloe@lumiere.example', 'chloe.martin@example.fr'],
      phones: ['+33612345678'],
      company: 'Lumière SARL',
      title: 'Directrice commerciale',
      tags: ['Hot lead'],
      location: 'Lyon, France',
    },
  },
  {
    file: 'salesforce-contacts-report.csv',
    preset: 'salesforce',
    mapped: {
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Title: 'title',
      'Account Name': 'company',
      'Mailing City': 'city',
      'Mailing State/Province': 'region',
      'Mailing Country': 'country',
      Phone: 'phone',
      Mobile: 'phone',
      Email: 'email',
      Description: 'note',
    },
    ignored: ['Salutation', 'Lead Source', 'Contact ID', 'Contact Owner'],
    first: {
      name: 'Grace Chen',
      emails: ['grace.chen@harbor.example'],
      phones: ['+16045550101', '+16045550199'],
      company: 'Harbor Systems',
      title: 'VP Engineering',
      location: 'Vancouver, BC, Canada',
    },
  },
  {
    file: 'salesforce-data-export-contact.csv',
    preset: 'salesforce',
    mapped: {
      FirstName: 'firstName',
      LastName: 'lastName',
      Name: 'name',
      Email: 'email',
      Phone: 'phone',
      MobilePhone: 'phone',
      Title: 'title',
      MailingCity: 'city',
      MailingCountry: 'country',
      Description: 'note',
    },
    ignored: ['Id', 'AccountId', 'Salutation', 'OwnerId', 'AssistantPhone', 'AssistantName', 'Fax', 'ReportsToId', 'MasterRecordId'],
    first: {
      name: 'Marta Novak',
      emails: ['marta.novak@vltava.example'],
      phones: ['+420601123456'],
      title: 'Procurement Manager',
      location: 'Prague, Czechia',
    },
  },
];

describe('CSV presets on each product export', () => {
  for (const v of VECTORS) {
    it(`${v.file}: detected as ${v.preset}, columns proposed for the right fields`, async () => {
      const sample = await readCsvSample(read(v.file));
      expect(sample).not.toBeNull();
      const { preset, columns } = proposeColumns(sample!.headers);
      expect(preset).toBe(v.preset);
      const proposed = Object.fromEntries(sample!.headers.map((h, i) => [h, columns[i]]));
      for (const [header, field] of Object.entries(v.mapped)) expect({ header, field: proposed[header] }).toEqual({ header, field });
      for (const header of v.ignored) expect({ header, field: proposed[header] }).toEqual({ header, field: IGNORE });
    });

    it(`${v.file}: the first person is stored with the right values`, async () => {
      const { rows, errors } = await collectImport(parseCsv(read(v.file)));
      expect(errors.filter((e) => e.severity !== 'warning')).toEqual([]);
      expect(rows.length).toBe(2);
      expect(rows[0].contact).toMatchObject(v.first);
    });
  }
});
