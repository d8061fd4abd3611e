/**
 * The frame both consoles share: language, router and session gate around a shell (skip link,
 * header with the brand, the language switch or the signed-in bar, the main navigation, <main>),
 * the sign-in form, and a route table. Each console passes what differs: its brand, its bar, its
 * navigation items, its session gate and its routes.
 */
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError, signIn } from './api';
import { Page } from './components';
import { I18nProvider, useI18n } from './i18n';
import { Link, Router, match, useLocation } from './router';
import type { SessionGateProps } from './session';

export interface Brand {
  /** Dictionary key of the console's name after "Shekara ·". */
  sub: string;
  /** The mark inside the shield of the logo (SVG, 24×24). */
  mark: ReactNode;
}

export function ConsoleApp({ gate: Gate, brand, login, bar, nav, children }: { gate: (props: SessionGateProps) => ReactNode; brand: Brand; login: ReactNode; bar: ReactNode; nav: ReactNode; children: ReactNode }) {
  return (
    <I18nProvider>
      <Router>
        <Gate login={() => <Shell brand={brand}>{login}</Shell>}>
          <Shell brand={brand} bar={bar} nav={nav}>
            {children}
          </Shell>
        </Gate>
      </Router>
    </I18nProvider>
  );
}

/** Signed out: the language switch in the header, no navigation; signed in: bar and nav. */
function Shell({ brand, bar, nav, children }: { brand: Brand; bar?: ReactNode; nav?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <a href="#main" className="skip">
        {t('app.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <svg className="logo" aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
            <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5z" fill="none" stroke="currentColor" strokeWidth="2" />
            {brand.mark}
          </svg>
          <span>
            {t('app.name')} <span className="sub">· {t(brand.sub)}</span>
          </span>
        </div>
        {bar ?? <LangSwitch />}
      </header>
      {nav}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === 'ru' ? 'en' : 'ru';
  return (
    <button type="button" className="lang" lang={other} aria-label={t('lang.switchLabel')} onClick={() => setLang(other)}>
      {t('lang.switch')}
    </button>
  );
}

/** The header's bar once signed in: who, the console's own status (live stream…), language, sign-out. */
export function SignedInBar({ who, status, onSignOut, signOutHint }: { who: ReactNode; status?: ReactNode; onSignOut(): void; signOutHint?: string }) {
  const { t } = useI18n();
  return (
    <div className="bar">
      <span className="who">{who}</span>
      {status}
      <LangSwitch />
      <button type="button" className="secondary small" onClick={onSignOut} title={signOutHint} aria-describedby={signOutHint ? 'sign-out-hint' : undefined}>
        {t('nav.signOut')}
      </button>
      {signOutHint && (
        <span id="sign-out-hint" className="visually-hidden">
          {signOutHint}
        </span>
      )}
    </div>
  );
}

export interface NavItem {
  /** The page's path (the React key). */
  path: string;
  /** Where the link goes (the path with a query, say); the path by default. */
  href?: string;
  label: string;
  current: boolean;
  /** After the label (a count). */
  extra?: ReactNode;
}

export function MainNav({ items, className = 'main-nav' }: { items: NavItem[]; className?: string }) {
  const { t } = useI18n();
  return (
    <nav className={className} aria-label={t('nav.main')}>
      <ul>
        {items.map((i) => (
          <li key={i.path}>
            <Link to={i.href ?? i.path} aria-current={i.current ? 'page' : undefined}>
              {i.label}
              {i.extra}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A route: a path ("/inbox", exact) or a pattern with ":params" ("/messages/:id"), and what it shows. */
export type Route = [pattern: string, render: (params: Record<string, string>) => ReactNode];

export function Routes({ routes }: { routes: Route[] }) {
  const { path } = useLocation();
  const { t } = useI18n();
  for (const [pattern, render] of routes) {
    const params = pattern.includes(':') ? match(pattern, path) : path === pattern || (pattern === '/' && path === '') ? {} : null;
    if (params) return <>{render(params)}</>;
  }
  return <Page title={t('app.notFound')}>{null}</Page>;
}

/** The sign-in form (POST /api/auth/login: a session for the browser, lasting a shift). */
export function LoginForm({ intro, hint }: { intro: string; hint?: string }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 400) ? t('login.failed') : err instanceof ApiError && err.status === 429 ? t(err.code === 'SIGN_IN_BUSY' ? 'login.busy' : 'login.locked') : t('app.error', { message: (err as Error).message }));
      setBusy(false);
    }
  };
  return (
    <Page title={t('login.title')} narrow>
      <p className="muted">{intro}</p>
      <form className="login card" onSubmit={submit}>
        {error && (
          <p role="alert" className="error-box" id="login-error">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="username">{t('login.username')}</label>
          <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} aria-describedby={error ? 'login-error' : undefined} />
        </div>
        <div className="field">
          <label htmlFor="password">{t('login.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        {hint && <p className="hint">{hint}</p>}
      </form>
    </Page>
  );
}
