import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFileKind, detectImportKind, parseContacts } from '../../../importers';
import { collectImport } from '../../../importers/types';

const enc = (s: string) => new TextEncoder().encode(s);
const fixture = (p: string) => new Uint8Array(readFileSync(join(__dirname, '../../fixtures/vcard', p)));

describe('detectImportKind', () => {
  it.each([
    ['contacts.csv', enc('First Name,Last Name,Email\nA,B,a@example.com\n'), 'csv'],
    ['Connections.csv', enc('Notes:\n"When exporting your connection data, …"\n\nFirst Name,Last Name,URL\n'), 'csv'],
    ['export.CSV', new Uint8Array([0xff, 0xfe, ...Array.from(enc('name;email\n')).flatMap((b) => [b, 0])]), 'csv'],
    ['untitled', enc('name\tphone\nA\t1\n'), 'csv'],
    ['contacts.vcf', enc('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n'), 'vcard'],
    ['contacts.txt', enc('\ufeffbegin:vcard\nFN:A\nend:vcard\n'), 'vcard'],
    ['card.json', fixture('ez-vcard/jcard-example.json'), 'vcard'],
    ['card.xml', fixture('ez-vcard/rfc6351-example.xml'), 'vcard'],
    ['rapport-export-2024-05-01.json', enc('{"format":"rapport-export","version":1'), 'json'],
    ['backup', enc('  \n{ "format": "rapport-export" }'), 'json'],
    ['John_Doe_IPHONE.vcf', fixture('ez-vcard/John_Doe_IPHONE.vcf').slice(0, 4096), 'vcard'],
    ['empty.csv', new Uint8Array(0), 'csv'],
  ])('%s → %s', (name, bytes, kind) => {
    expect(detectImportKind(name, bytes)).toBe(kind);
  });

  it.each([
    ['contacts.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), /spreadsheet workbook: save or export it as CSV/],
    ['contacts.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), /ZIP archive/],
    ['old.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), /old Excel/],
    ['scan.pdf', enc('%PDF-1.7\n'), /PDF/],
    ['photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]), /binary file/],
    ['list.json', enc('[{"name":"A"}]'), /JSON array, not a Rapport export/],
    ['page.html', enc('<!doctype html><html>'), /XML\/HTML/],
    ['broken.vcf', enc('hello there'), /does not contain a vCard/],
    ['notes.txt', enc('just some words\nand more words'), /not a recognised contacts file/],
    ['nothing', new Uint8Array(0), /is empty/],
  ])('%s → unknown with a clear error', (name, bytes, message) => {
    const kind = detectImportKind(name, bytes);
    expect(typeof kind).toBe('object');
    if (typeof kind === 'object') {
      expect(kind.kind).toBe('unknown');
      expect(kind.error).toMatch(message);
    }
  });

  it('works on a File', async () => {
    const file = new File(['BEGIN:VCARD\nFN:Zoë\nEND:VCARD\n'], 'x.vcf');
    expect(await detectFileKind(file)).toBe('vcard');
  });

  it('parseContacts dispatches to the right parser', async () => {
    const csv = await collectImport(parseContacts('name,email\nZoë,zoe@example.com\n', 'csv'));
    const vcf = await collectImport(parseContacts('BEGIN:VCARD\nFN:Zoë\nEMAIL:zoe@example.com\nEND:VCARD\n', 'vcard'));
    expect(csv.rows[0].contact).toEqual(vcf.rows[0].contact);
  });
});
