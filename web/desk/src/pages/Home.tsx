import { ApiError, api, query, useLiveEvents } from '@shared/api';
import { ErrorBox, Loading, Page, Time, useAsync } from '@shared/components';
import { URGENT_TOPIC, topicSlug } from '@shared/enums';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { useSession } from '@shared/session';
import { CheckDocument } from './Bank';
import type { DailyWindow, Due, MessageView, MonthlyWindow, Notification, Page as PageOf } from '@shared/types';

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
            {me.unit.agencyName} · <code>{me.unit.id}</code> · {me.unit.zone}
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
                    {lang === 'ru' ? u.nameRu : u.nameEn} <span className="muted">— {u.agencyName}</span>
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
                    <span className={`kind-tag kind-${m.kind.toLowerCase()}`}>{t(`kind.${m.kind}`)}</span> <Link to={`/messages/${m.id}`}>{m.summary}</Link>
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
  const due = useAsync((signal) => optional(api<Due>('/api/due', { signal })), []);
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
          <h3>{t('due.overdue')}</h3>
          {due.data.overdueConfirmations.length ? (
            <ul className="plain">
              {due.data.overdueConfirmations.map((o) => (
                <li key={o.urgentId} className="overdue">
                  <Link to={`/messages/${o.urgentId}`}>{o.summary}</Link> — <span className="late">{t('due.dueLabel')}</span>
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

function Notifications() {
  const { t } = useI18n();
  const list = useAsync((signal) => optional(api<{ items: Notification[]; total: number }>('/api/notifications?page=1', { signal })), []);
  return (
    <section className="card" aria-labelledby="notif-h">
      <h2 id="notif-h">{t('home.notifications')}</h2>
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.data === null && <p className="muted">{t('home.notificationsUnavailable')}</p>}
      {list.data &&
        (list.data.items.length ? (
          <ul className="plain">
            {list.data.items.slice(0, 10).map((n) => (
              <li key={n.id} className={`notif notif-${n.type.toLowerCase()}`}>
                <span className={`badge notif-${n.type.toLowerCase()}`}>{t(`notif.${n.type}`)}</span> <Time at={n.at} /> — {n.messageId ? <Link to={`/messages/${n.messageId}`}>{n.text}</Link> : n.text}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('home.noNotifications')}</p>
        ))}
    </section>
  );
}
