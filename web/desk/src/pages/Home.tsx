import { useState } from 'react';
import { ApiError, api, query, useLiveEvents } from '@shared/api';
import { ErrorBox, Loading, Page, Pager, Time, useAsync, useNow } from '@shared/components';
import { URGENT_TOPIC, classificationName, topicSlug } from '@shared/enums';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { useSession } from '@shared/session';
import { notificationText } from '@shared/notifications';
import { formatSpan } from '@shared/time';
import type { DailyWindow, Due, MessageView, MonthlyWindow, NotificationPage, OwedConfirmation, Page as PageOf } from '@shared/types';
import { AlertSettings } from '../alerts';
import { summaryText } from '../summary';
import { CheckDocument } from './Bank';

/** 404 while the scheduler's endpoints are not deployed: an empty state, not an error. */
async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501 || e.status === 503)) return null;
    throw e;
  }
}

export function Home() {
  const { t, e, lang, has } = useI18n();
  const session = useSession();
  const { me } = session;
  const unread = useAsync((signal) => api<PageOf<MessageView>>(`/api/messages${query({ box: 'inbox', unread: true, pageSize: 5 })}`, { signal }), []);
  useLiveEvents((ev) => ev.box === 'inbox' && unread.reload());
  return (
    <Page title={t('home.title')}>
      <div className="cols">
        <CheckDocument />
        <section className="card" aria-labelledby="unit-h">
          <h2 id="unit-h">{t('home.unit')}</h2>
          <p className="unit-name">{lang === 'ru' ? me.unit.nameRu : me.unit.nameEn}</p>
          <p className="muted">
            {lang === 'en' ? (me.unit.agencyNameEn ?? t(`agency.${me.unit.agency}`)) : me.unit.agencyName} · <code>{me.unit.id}</code> · {me.unit.zone}
          </p>
          <p>
            {t('home.you')}: <strong>{me.user.username}</strong> ({has(`role.${me.user.role}`) ? t(`role.${me.user.role}`) : me.user.role})
          </p>
          <h3>{t('home.groups')}</h3>
          {me.groups.map((g) => (
            <div key={g.id} className="group-card">
              <p>
                <code>{g.id}</code> · {t('home.groupLevel', { level: g.level })}
              </p>
              <ul>
                {g.members.map((u) => (
                  <li key={u.id} className={u.id === me.unit.id ? 'self' : ''}>
                    {lang === 'ru' ? u.nameRu : u.nameEn} <span className="muted">— {lang === 'en' ? (u.agencyNameEn ?? t(`agency.${u.agency}`)) : u.agencyName}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
        <DueNow />
      </div>
      <div className="cols">
        <section className="card" aria-labelledby="unread-h">
          <h2 id="unread-h">{t('home.unread')}</h2>
          {unread.error && <ErrorBox error={unread.error} retry={unread.reload} />}
          {unread.data &&
            (unread.data.items.length ? (
              <ul className="plain">
                {unread.data.items.map((m) => (
                  <li key={m.id}>
                    <span className={`kind-tag kind-${m.kind.toLowerCase()}`}>{t(`kind.${m.kind}`)}</span> <Link to={`/messages/${m.id}`}>{summaryText(m, t, has)}</Link>
                    <div className="muted">
                      {session.unitName(m.senderUnit)} · <Time at={m.createdAt} />
                    </div>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('home.noUnread')}</p>
            ))}
          <p>
            <Link to="/inbox">{t('home.openInbox')}</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="quick-h">
          <h2 id="quick-h">{t('home.quick')}</h2>
          <ul className="plain quick">
            {URGENT_TOPIC.map((topic) => (
              <li key={topic}>
                <Link to={`/compose/urgent?topic=${topicSlug(topic)}`}>{e(topic)}</Link>
              </li>
            ))}
          </ul>
          <p>
            <Link to="/compose">{t('nav.compose')} →</Link>
          </p>
        </section>
      </div>
      <Notifications />
    </Page>
  );
}

function WindowLine({ w, title, kind, drafts }: { w: DailyWindow | MonthlyWindow; title: string; kind: 'daily' | 'monthly'; drafts: Due['drafts'] }) {
  const { t } = useI18n();
  const session = useSession();
  const draft = drafts.find((d) => d.kind === kind.toUpperCase() && (!d.period || d.period === ('day' in w ? w.day : w.period)));
  return (
    <div className={`window state-${w.state}`}>
      <h3>{title}</h3>
      <p>
        <span className={`badge state-${w.state}`}>{t(`due.state.${w.state}`)}</span>{' '}
        {t('due.windowLabel')}: <Time at={w.opensAt} /> — <Time at={w.closesAt} />
      </p>
      <ul className="plain">
        {w.counterparts.map((c) => (
          <li key={c.unitId}>
            {session.unitName(c.unitId)}:{' '}
            {c.sentMessageId ? (
              <Link to={`/messages/${c.sentMessageId}`}>{t('due.sent')}</Link>
            ) : (
              <span className="badge status-missing">{t('due.notSent')}</span>
            )}
          </li>
        ))}
      </ul>
      {/* After the window closed the report is late but still owed: it can still be composed. */}
      {w.counterparts.some((c) => !c.sentMessageId) && (
        <Link className="button" to={draft ? `/compose/${kind}?draft=${encodeURIComponent(draft.id)}` : `/compose/${kind}`}>
          {draft ? t('due.openDraft') : w.state === 'closed' ? t('due.composeLate') : t('due.compose')}
        </Link>
      )}
    </div>
  );
}

/** Today's daily window with the scheduler's draft, the monthly window when open, overdue confirmations. */
function DueNow() {
  const { t } = useI18n();
  const due = useAsync((signal) => optional(api<Due>('/api/due', { signal })).then((d) => (d ? { ...d, offset: new Date(d.now).getTime() - Date.now() } : d)), []);
  useLiveEvents(() => due.reload());
  return (
    <section className="card due" aria-labelledby="due-h">
      <h2 id="due-h">{t('due.title')}</h2>
      {due.loading && !due.data && <Loading />}
      {due.error && <ErrorBox error={due.error} retry={due.reload} />}
      {due.data === null && <p className="empty">{t('due.unavailable')}</p>}
      {due.data && (
        <>
          <WindowLine w={due.data.daily} kind="daily" title={t('due.daily', { day: due.data.daily.day })} drafts={due.data.drafts} />
          {due.data.monthly ? <WindowLine w={due.data.monthly} kind="monthly" title={t('due.monthly', { period: due.data.monthly.period })} drafts={due.data.drafts} /> : <p className="muted">{t('due.noMonthly')}</p>}
          <h3>{t('due.pending')}</h3>
          {due.data.pendingConfirmations?.length ? (
            <ul className="plain">
              {due.data.pendingConfirmations.map((o) => (
                <PendingConfirmation key={o.urgentId} o={o} offset={due.data!.offset} onDue={due.reload} />
              ))}
            </ul>
          ) : (
            <p className="muted">{t('due.noPending')}</p>
          )}
          <h3>{t('due.overdue')}</h3>
          {due.data.overdueConfirmations.length ? (
            <ul className="plain">
              {due.data.overdueConfirmations.map((o) => (
                <li key={o.urgentId} className="overdue">
                  <Link to={`/messages/${o.urgentId}`}>
                    <OwedSummary o={o} />
                  </Link>{' '}
                  — <span className="late">{t('due.dueLabel')}</span>
                  <Time at={o.dueAt} />{' '}
                  <Link className="button small" to={`/compose/confirmation?urgent=${encodeURIComponent(o.urgentId)}`}>
                    {t('due.confirm')}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('due.noOverdue')}</p>
          )}
          {due.data.drafts.length > 0 && (
            <>
              <h3>{t('due.drafts')}</h3>
              <ul className="plain">
                {due.data.drafts.map((d) => (
                  <li key={d.id}>
                    <Link to={`/compose/${d.kind.toLowerCase()}?draft=${encodeURIComponent(d.id)}`}>
                      {t(`kind.${d.kind}`)} {d.period ?? ''}
                    </Link>{' '}
                    <span className="muted">
                      (<Time at={d.createdAt} />)
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

/** An owed report's summary, or its marking when it is classified above the user's clearance. */
function OwedSummary({ o }: { o: OwedConfirmation }) {
  const { t, e } = useI18n();
  if (!o.restricted) return <>{o.summary || o.urgentId}</>;
  return <span className="restricted">{t('list.restricted', { marking: e(classificationName(o.classification ?? 'CONFIDENTIAL')) })}</span>;
}

/** An urgent report still within its 2 hours: a live countdown to its written confirmation. */
function PendingConfirmation({ o, offset, onDue }: { o: Due['pendingConfirmations'][number]; offset: number; onDue(): void }) {
  const { t } = useI18n();
  const now = useNow(1000) + offset;
  const left = new Date(o.dueAt).getTime() - now;
  if (left < 0) setTimeout(onDue, 0); // it has just become overdue: the list moves it
  return (
    <li className="pending" data-testid="pending-confirmation">
      <Link to={`/messages/${o.urgentId}`}>
        <OwedSummary o={o} />
      </Link>{' '}
      — {t('due.dueLabel')} <Time at={o.dueAt} />{' '}
      <strong className="countdown" role="timer" aria-live="off">
        {t('msg.remaining', { span: formatSpan(Math.max(0, left)) })}
      </strong>{' '}
      <Link className="button small" to={`/compose/confirmation?urgent=${encodeURIComponent(o.urgentId)}`}>
        {t('due.confirm')}
      </Link>
    </li>
  );
}

const NOTIFICATIONS_PAGE = 10;

/** The unit's notifications in the user's language: live, paged, acknowledged one by one or all. */
function Notifications() {
  const { t, has } = useI18n();
  const session = useSession();
  const [page, setPage] = useState(1);
  const [openOnly, setOpenOnly] = useState(false);
  const list = useAsync((signal) => optional(api<NotificationPage>(`/api/notifications${query({ page, pageSize: NOTIFICATIONS_PAGE, open: openOnly })}`, { signal })), [page, openOnly]);
  useLiveEvents((e) => e.type === 'notification' && list.reload());
  const duty = session.me.user.role === 'duty-officer';
  const ack = (ids?: string[]) => void api('/api/notifications/ack', { method: 'POST', body: ids ? { ids } : {} }).then(list.reload, list.reload);
  return (
    <section className="card notifications" aria-labelledby="notif-h">
      <h2 id="notif-h">{t('home.notifications')}</h2>
      <AlertSettings />
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.data === null && <p className="muted">{t('home.notificationsUnavailable')}</p>}
      {list.data && (
        <>
          <p className="notif-tools">
            <span data-testid="notif-unacked">{t('notif.unacked', { n: list.data.unacknowledged })}</span>{' '}
            <label className="check">
              <input
                type="checkbox"
                checked={openOnly}
                onChange={(e) => {
                  setOpenOnly(e.target.checked);
                  setPage(1);
                }}
              />{' '}
              {t('notif.openOnly')}
            </label>{' '}
            {duty && list.data.unacknowledged > 0 && (
              <button type="button" className="small secondary" onClick={() => ack()}>
                {t('notif.ackAll')}
              </button>
            )}
          </p>
          {list.data.items.length ? (
            <ul className="plain">
              {list.data.items.map((n) => {
                const text = notificationText(n, { t, has, zone: session.zone, unitName: session.unitName });
                return (
                  <li key={n.id} className={`notif notif-${n.code.toLowerCase()} ${n.acknowledgedAt ? 'acked' : 'open'}`} data-testid="notification">
                    <span className={`badge notif-${n.code.toLowerCase()}`}>{has(`notif.${n.code}`) ? t(`notif.${n.code}`) : n.code}</span> <Time at={n.at} /> — {n.messageId ? <Link to={`/messages/${n.messageId}`}>{text}</Link> : text}{' '}
                    {n.acknowledgedAt ? (
                      <span className="muted">({t('notif.acked', { who: n.acknowledgedBy ?? '', at: '' })}<Time at={n.acknowledgedAt} />)</span>
                    ) : (
                      duty && (
                        <button type="button" className="small" onClick={() => ack([n.id])}>
                          {t('notif.ack')}
                        </button>
                      )
                    )}
                  </li>
                );
              })}
            </ul>
          ) : (
            <p className="muted">{t('home.noNotifications')}</p>
          )}
          <Pager page={page} pageSize={NOTIFICATIONS_PAGE} total={list.data.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}
