import { useI18n } from '@shared/i18n';
import { useLocation } from '@shared/router';
import { ConsoleApp, LoginForm, MainNav, Routes, SignedInBar } from '@shared/shell';
import type { Route } from '@shared/shell';
import { SvSessionGate, useSv } from './session';
import { Overview } from './pages/Overview';
import { Overdue } from './pages/Overdue';
import { Verdicts } from './pages/Verdicts';
import { Trends } from './pages/Trends';
import { TimelinePage } from './pages/Timeline';
import { Report } from './pages/Report';
import { Discrepancies } from './pages/Discrepancies';
import { Bank } from './pages/Bank';

const ROUTES: Route[] = [
  ['/', () => <Overview />],
  ['/overdue', () => <Overdue />],
  ['/verdicts', () => <Verdicts />],
  ['/trends', () => <Trends />],
  ['/report', () => <Report />],
  ['/discrepancies', () => <Discrepancies />],
  ['/bank', () => <Bank />],
  ['/messages/:id', (p) => <TimelinePage key={p.id} id={p.id} />],
];

const BRAND = { sub: 'sv.console', mark: <path d="M8 12.5l2.7 2.7L16 9.5" fill="none" stroke="currentColor" strokeWidth="2" /> };

export function App() {
  return (
    <ConsoleApp gate={SvSessionGate} brand={BRAND} login={<Login />} bar={<SvBar />} nav={<Nav />}>
      <Routes routes={ROUTES} />
    </ConsoleApp>
  );
}

function Login() {
  const { t } = useI18n();
  return <LoginForm intro={t('sv.login.intro')} hint={t('sv.login.notSupervisor')} />;
}

function SvBar() {
  const { t, lang } = useI18n();
  const { me, signOut } = useSv();
  return (
    <SignedInBar
      who={
        <>
          {me.unit && <strong>{lang === 'ru' ? me.unit.nameRu : me.unit.nameEn}</strong>} · {me.user.username} ({t(`sv.role.${me.user.role}`)})
        </>
      }
      onSignOut={signOut}
    />
  );
}

function Nav() {
  const { t } = useI18n();
  const { path, search } = useLocation();
  // Moving between listings keeps the range and the unit filters.
  const keep = new URLSearchParams();
  for (const k of ['from', 'to', 'agency', 'level', 'region', 'unit']) {
    const v = search.get(k);
    if (v) keep.set(k, v);
  }
  const qs = keep.toString() ? `?${keep}` : '';
  // "Overdue now" has no date range: only the unit filters travel there.
  keep.delete('from');
  keep.delete('to');
  const unitQs = keep.toString() ? `?${keep}` : '';
  const items: [string, string][] = [
    ['/', 'sv.nav.heatmap'],
    ['/overdue', 'sv.nav.overdue'],
    ['/verdicts', 'sv.nav.verdicts'],
    ['/trends', 'sv.nav.rates'],
    ['/report', 'sv.nav.report'],
    ['/discrepancies', 'sv.nav.discrepancies'],
    ['/bank', 'sv.nav.bank'],
  ];
  return <MainNav className="main-nav no-print" items={items.map(([to, key]) => ({ path: to, href: to === '/bank' ? to : to + (to === '/overdue' || to === '/discrepancies' ? unitQs : qs), label: t(key), current: path === to }))} />;
}
