// The connector settings form is generated from the connector's zod config schema (via zod's JSON
// Schema output): one input per key, named after the key.
import { z } from 'zod';

export interface FormField {
  name: string;
  label: string;
  kind: 'text' | 'url' | 'password' | 'number' | 'checkbox' | 'select';
  required: boolean;
  options?: string[];
  defaultValue?: string | number | boolean;
  pattern?: string;
}

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  enum?: string[];
  default?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
  pattern?: string;
  const?: unknown;
};

const humanize = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/\bUrl\b/, 'URL');

export function formFields(schema: z.ZodType, secretKeys: readonly string[]): FormField[] {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return [];
  }
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => {
    const variant = p.anyOf?.find((a) => a.type && a.type !== 'null' && a.const === undefined) ?? p;
    const type = variant.type ?? p.type;
    const field: FormField = {
      name,
      label: p.description ?? humanize(name),
      kind: secretKeys.includes(name)
        ? 'password'
        : (p.enum ?? variant.enum)
          ? 'select'
          : type === 'boolean'
            ? 'checkbox'
            : type === 'number' || type === 'integer'
              ? 'number'
              : (variant.format ?? p.format) === 'uri'
                ? 'url'
                : 'text',
      required: required.has(name) && p.default === undefined,
      options: p.enum ?? variant.enum,
      pattern: variant.pattern,
    };
    if (p.default !== undefined && (typeof p.default === 'string' || typeof p.default === 'number' || typeof p.default === 'boolean'))
      field.defaultValue = p.default;
    return field;
  });
}
