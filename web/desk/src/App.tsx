import { useEffect, useState } from 'react';
import { api, onLiveState, query, useLiveEvents } from '@shared/api';
import { useI18n } from '@shared/i18n';
import { useLocation } from '@shared/router';
import { SessionGate, useSession } from '@shared/session';
import { ConsoleApp, LoginForm, MainNav, Routes, SignedInBar } from '@shared/shell';
import type { Route } from '@shared/shell';
import type { MessageView, Page as PageOf } from '@shared/types';
import { Compose, ComposeIndex } from './pages/Compose';
import { Home } from './pages/Home';
import { MessagePage } from './pages/Message';
import { Messages } from './pages/Messages';
import { CheckPerson } from './pages/Persons';
import { PrintPage } from './pages/Print';
import { SearchPage } from './pages/Search';
import { useDeskAlerts } from './alerts';
import { BankEdit, BankRecordPage, BankSearch } from './pages/Bank';
import { HandoverPage, HandoverPrintPage, HandoversPage, NewHandover } from './pages/Handovers';
import { ReconciliationPage } from './pages/Reconciliation';

const ROUTES: Route[] = [
  ['/', () => <Home />],
  ['/inbox', () => <Messages key="inbox" box="inbox" />],
  ['/outbox', () => <Messages key="outbox" box="outbox" />],
  ['/compose', () => <ComposeIndex />],
  ['/compose/:kind', (p) => <Compose key={p.kind} kind={p.kind} />],
  ['/messages/:id', (p) => <MessagePage key={p.id} id={p.id} />],
  ['/messages/:id/print', (p) => <PrintPage key={p.id} id={p.id} />],
  ['/search', () => <SearchPage />],
  ['/persons/check', () => <CheckPerson />],
  ['/handovers', () => <HandoversPage />],
  ['/handovers/new', () => <NewHandover />],
  ['/handovers/:id', (p) => <HandoverPage key={p.id} id={p.id} />],
  ['/handovers/:id/print', (p) => <HandoverPrintPage key={p.id} id={p.id} />],
  ['/reconciliation', () => <ReconciliationPage />],
  ['/bank', () => <BankSearch />],
  ['/bank/new', () => <BankEdit key="new" />],
  ['/bank/records/:id', (p) => <BankRecordPage key={p.id} id={p.id} />],
  ['/bank/records/:id/revise', (p) => <BankEdit key={`revise-${p.id}`} id={p.id} />],
];

const BRAND = { sub: 'app.desk', mark: <path d="M8 12h8M12 8v8" stroke="currentColor" strokeWidth="2" /> };

export function App() {
  return (
    <ConsoleApp gate={SessionGate} brand={BRAND} login={<Login />} bar={<DeskBar />} nav={<Nav />}>
      <Routes routes={ROUTES} />
    </ConsoleApp>
  );
}

function Login() {
  const { t } = useI18n();
  return <LoginForm intro={t('login.intro')} />;
}

function DeskBar() {
  const { t, lang } = useI18n();
  const { me, signOut } = useSession();
  const [live, setLive] = useState(false);
  useEffect(() => onLiveState(setLive), []);
  useLiveEvents(() => undefined); // keeps the shared event stream open on every page
  const open = useDeskAlerts();
  return (
    <SignedInBar
      who={
        <>
          <strong>{lang === 'ru' ? me.unit.nameRu : me.unit.nameEn}</strong> · {me.user.username}
        </>
      }
      status={
        <>
          <span className={`live ${live ? 'on' : 'off'}`} title={t('app.live')}>
            <span aria-hidden="true">●</span> {t(live ? 'app.liveOn' : 'app.liveOff')}
          </span>
          {open > 0 && (
            <a href="/#notif-h" className="badge alert-count" data-testid="alert-count" aria-label={t('notif.unacked', { n: open })}>
              {open}
            </a>
          )}
        </>
      }
      signOutHint={t('nav.signOutHint')}
      onSignOut={signOut}
    />
  );
}

function Nav() {
  const { t } = useI18n();
  const { path } = useLocation();
  const [unread, setUnread] = useState<number | null>(null);
  const refresh = () =>
    api<PageOf<MessageView>>(`/api/messages${query({ box: 'inbox', unread: true, pageSize: 1 })}`).then(
      (p) => setUnread(p.total),
      () => undefined,
    );
  useEffect(() => {
    void refresh();
  }, [path]);
  useLiveEvents((e) => e.box === 'inbox' && void refresh());
  const items: [string, string][] = [
    ['/', 'nav.home'],
    ['/inbox', 'nav.inbox'],
    ['/outbox', 'nav.outbox'],
    ['/compose', 'nav.compose'],
    ['/search', 'nav.search'],
    ['/persons/check', 'nav.checkPerson'],
    ['/handovers', 'nav.handovers'],
    ['/reconciliation', 'nav.reconciliation'],
    ['/bank', 'nav.bank'],
  ];
  return (
    <MainNav
      items={items.map(([to, key]) => ({
        path: to,
        label: t(key),
        current: to === '/' ? path === '/' : path.startsWith(to),
        extra: to === '/inbox' && !!unread && (
          <span className="count" aria-label={t('nav.unreadCount', { n: unread })}>
            {unread}
          </span>
        ),
      }))}
    />
  );
}
