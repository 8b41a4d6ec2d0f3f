// What the contact and company pages share: reading a ValidationError, the phone region, the
// connections a delete may archive in.
import type { CountryCode } from 'libphonenumber-js';
import { describeStorageError } from '../../../storage/errors';
import { ValidationError } from '../../../storage/edit';

/** Messages by field from a failed save: a ValidationError's own, or one message under `form`. */
export function errorsOf(e: unknown): Record<string, string> {
  return e instanceof ValidationError ? e.fields : { form: describeStorageError(e) };
}

/** The region of the browser's language (en-GB → GB): phones written without a country code belong there. */
export function browserRegion(): CountryCode | undefined {
  try {
    const region = new Intl.Locale(navigator.language).maximize().region;
    return region && /^[A-Z]{2}$/.test(region) ? (region as CountryCode) : undefined;
  } catch {
    return undefined;
  }
}

/** A photo URL the page may show: https only (a captured LinkedIn photo), never data: or http:. */
export function photoSrc(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
