/**
 * The agencies of the exchange: the one list of their codes in the repository. The codes are
 * persisted (unit ids, subjects, streams, database columns). Pure data with no imports, so that the
 * web consoles import this file too (the dependency rules allow it); every other list of agencies,
 * their names or labels is keyed by AgencyCode and so checked against this one.
 */
export const AGENCIES = ['interior', 'border', 'customs'] as const;
export type AgencyCode = (typeof AGENCIES)[number];

export function isAgencyCode(s: string): s is AgencyCode {
  return (AGENCIES as readonly string[]).includes(s);
}
