/** A form field's message from a failed save (`errors` by field name), shown under the field. */
export function FieldError({ errors, name }: { errors: Record<string, string>; name: string }) {
  const msg = errors[name];
  return msg ? (
    <p class="error small" data-testid="field-error" data-field={name} role="alert">
      {msg}
    </p>
  ) : null;
}
