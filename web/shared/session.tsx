/**
 * Sessions: the browser's sign-in (taken over by every tab) and what a console loads once per sign-in, behind a gate
 * that shows the sign-in form without a token, an error or "loading" meanwhile. createSession makes
 * a console's gate and hook; the duty desk's (the officer: /api/me with unit, zone, groups) is here.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, closeLive, getToken, refreshToken, signOut as endSession } from './api';
import { useI18n } from './i18n';
import type { Lang } from './i18n';
import type { Me, Unit } from './types';

export interface SessionSpec<D, S> {
  /** What the console needs once signed in (GET /api/me, directories, …). */
  load(signal: AbortSignal): Promise<D>;
  /** The session the pages see, in the current language. */
  session(data: D, lang: Lang, signOut: () => void): S;
  /** Extra clean-up on sign-out (before the token goes). */
  onSignOut?(): void;
  /** The class of the error paragraph when loading fails. */
  errorClass: string;
}

export interface SessionGateProps {
  login: (onSignedIn: () => void) => ReactNode;
  children: ReactNode;
}

export function createSession<D, S>(name: string, spec: SessionSpec<D, S>): { Gate(props: SessionGateProps): ReactNode; use(): S } {
  const Ctx = createContext<S | null>(null);
  function Gate({ login, children }: SessionGateProps) {
    const { lang, t } = useI18n();
    const [token, setTok] = useState(getToken);
    // Before the first render of the sign-in form: a session of this browser (another tab) serves this tab too.
    const [checked, setChecked] = useState(() => !!getToken());
    useEffect(() => {
      if (!checked) void refreshToken().finally(() => setChecked(true));
    }, []);
    const [data, setData] = useState<D | null>(null);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      const on = () => setTok(getToken());
      addEventListener('shekara:token', on);
      return () => removeEventListener('shekara:token', on);
    }, []);
    useEffect(() => {
      setData(null);
      setError(null);
      if (!token) return;
      const ac = new AbortController();
      spec.load(ac.signal).then(setData, (e: Error) => !ac.signal.aborted && setError(e.message));
      return () => ac.abort();
    }, [token]);
    const signOut = useCallback(() => {
      spec.onSignOut?.();
      void endSession();
    }, []);
    const session = useMemo<S | null>(() => (data ? spec.session(data, lang, signOut) : null), [data, lang, signOut]);
    if (!token && !checked)
      return (
        <main id="main" className="page narrow" aria-busy="true">
          <p>{t('app.loading')}</p>
        </main>
      );
    if (!token) return <>{login(() => setTok(getToken()))}</>;
    if (error)
      return (
        <main id="main" className="page narrow">
          <p role="alert" className={spec.errorClass}>
            {t('app.error', { message: error })}
          </p>
          <button onClick={signOut}>{t('nav.signOut')}</button>
        </main>
      );
    if (!session)
      return (
        <main id="main" className="page narrow" aria-busy="true">
          <p>{t('app.loading')}</p>
        </main>
      );
    return <Ctx.Provider value={session}>{children}</Ctx.Provider>;
  }
  function use(): S {
    const v = useContext(Ctx);
    if (!v) throw new Error(`${name} outside its session gate`);
    return v;
  }
  return { Gate, use };
}

/** A unit's name in the language. */
export function nameOf(u: { nameRu: string; nameEn: string } | undefined, id: string, lang: Lang): string {
  return u ? (lang === 'ru' ? u.nameRu : u.nameEn) : id;
}

// --- the duty desk: the signed-in officer

/** Where the desk keeps an unsent form in this browser (localStorage), per unit and kind, until sent, discarded or signed out. */
export const DESK_DRAFT_PREFIX = 'shekara.desk.draft.';

export function forgetDeskDrafts(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith(DESK_DRAFT_PREFIX)) localStorage.removeItem(key);
}

interface Session {
  me: Me;
  zone: string;
  /** Every unit one may address (members of one's groups, oneself excluded). */
  counterparts: Unit[];
  unit(id: string): Unit | undefined;
  unitName(id: string): string;
  signOut(): void;
}

const desk = createSession<Me, Session>('useSession', {
  load: (signal) => api<Me>('/api/me', { signal }),
  session: (me, lang, signOut) => {
    const units = new Map<string, Unit>([[me.unit.id, me.unit]]);
    for (const g of me.groups) for (const m of g.members) units.set(m.id, m);
    const counterparts = [...units.values()].filter((u) => u.id !== me.unit.id);
    return { me, zone: me.unit.zone, counterparts, unit: (id) => units.get(id), unitName: (id) => nameOf(units.get(id), id, lang), signOut };
  },
  // A desk PC is shared by the shift: signing out forgets the unsent drafts kept in this browser.
  onSignOut: () => {
    closeLive();
    forgetDeskDrafts();
  },
  errorClass: 'error',
});

export const SessionGate = desk.Gate;
export const useSession = desk.use;
