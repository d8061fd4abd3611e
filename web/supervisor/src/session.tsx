/**
 * The signed-in supervisor (GET /api/me of the supervisor app: user and unit, no groups) and the
 * directory of units (names, zones) for display and the filters, loaded once per sign-in.
 */
import { api } from '@shared/api';
import { createSession, nameOf } from '@shared/session';
import type { SvMe, SvUnit, Listing } from './types';

/** Where listings' local dates are counted when no unit says otherwise (the API's default too). */
export const CAPITAL_ZONE = 'Asia/Almaty';

interface SvSession {
  me: SvMe;
  units: SvUnit[];
  unit(id: string): SvUnit | undefined;
  unitName(id: string): string;
  /** The unit's IANA zone; the capital's when unknown. */
  zoneOf(id: string | null | undefined): string;
  signOut(): void;
}

async function loadUnits(signal: AbortSignal): Promise<SvUnit[]> {
  const out: SvUnit[] = [];
  for (let page = 1; page < 50; page++) {
    const r = await api<Listing<SvUnit>>(`/api/directory/units?pageSize=1000&page=${page}`, { signal });
    out.push(...r.items);
    if (out.length >= r.total || !r.items.length) break;
  }
  return out;
}

const supervisor = createSession<{ me: SvMe; units: SvUnit[] }, SvSession>('useSv', {
  load: async (signal) => {
    const [me, units] = await Promise.all([api<SvMe>('/api/me', { signal }), loadUnits(signal)]);
    return { me, units };
  },
  session: ({ me, units }, lang, signOut) => {
    const byId = new Map(units.map((u) => [u.id, u]));
    return {
      me,
      units,
      unit: (id) => byId.get(id),
      unitName: (id) => nameOf(byId.get(id), id, lang),
      zoneOf: (id) => (id && byId.get(id)?.zone) || CAPITAL_ZONE,
      signOut,
    };
  },
  errorClass: 'error-box',
});

export const SvSessionGate = supervisor.Gate;
export const useSv = supervisor.use;
