/** Keep-in-touch choices offered on a person and a tag, in days. Any other number is shown as "every N days". */
export const CADENCES = [
  { days: 7, label: 'every week' },
  { days: 14, label: 'every 2 weeks' },
  { days: 30, label: 'monthly' },
  { days: 91, label: 'quarterly' },
  { days: 182, label: 'twice a year' },
  { days: 365, label: 'yearly' },
] as const;

export function cadenceLabel(days: number): string {
  return CADENCES.find((c) => c.days === days)?.label ?? `every ${days} days`;
}
