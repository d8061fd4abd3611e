import { api, query, useLiveEvents } from '@shared/api';
import { classificationName } from '@shared/enums';
import { ErrorBox, Loading, Page, StatusBadge, Time, useAsync, useNow } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { useSession } from '@shared/session';
import { formatInstant, formatSpan } from '@shared/time';
import type { MessageView, Page as PageOf, TimelineEntry } from '@shared/types';
import { PayloadOf } from '../payload';
import { MatchesPanel, ReceivedDecisionsPanel } from './Persons';
import { summaryText } from '../summary';
import { detainedPersons } from './Handovers';

export const CONFIRM_WITHIN_MS = 2 * 3600_000;

/** One message: header, per-recipient status (live), content, the 2-hour countdown for urgent reports, timeline. */
export function MessagePage({ id }: { id: string }) {
  const { t, e, has } = useI18n();
  const { search } = useLocation();
  const session = useSession();
  const msg = useAsync((signal) => api<MessageView>(`/api/messages/${encodeURIComponent(id)}`, { signal }), [id]);
  const timeline = useAsync((signal) => api<TimelineEntry[]>(`/api/messages/${encodeURIComponent(id)}/timeline`, { signal }), [id]);
  useLiveEvents((e) => {
    if (e.id === id) {
      msg.reload();
      timeline.reload();
    }
  });
  const m = msg.data;
  const title = m ? `${t(`kind.${m.kind}`)}${m.period ? ` ${m.period}` : ''}` : t('msg.title');
  return (
    <Page
      title={title}
      actions={
        m && (
          <>
            <Link to={m.direction === 'OUT' ? '/outbox' : '/inbox'}>← {t('msg.back')}</Link>{' '}
            <Link className="button secondary small" to={`/messages/${m.id}/print`}>
              {t('print.open')}
            </Link>
            {m.kind === 'URGENT' && detainedPersons(m).length > 0 && session.me.user.role === 'duty-officer' && (
              <>
                {' '}
                <Link className="button small" to={`/handovers/new?source=${m.id}`}>
                  {t('ho.newFrom')}
                </Link>
              </>
            )}
          </>
        )
      }
    >
      {search.get('sent') && (
        <p className="note ok" role="status">
          {t('compose.sentOk')}
        </p>
      )}
      {msg.error && <ErrorBox error={msg.error} retry={msg.reload} />}
      {!m && !msg.error && <Loading />}
      {m && (
        <>
          {/* The marking heads the page (and its print) of every report classified above UNCLASSIFIED. */}
          {m.classification !== 'UNCLASSIFIED' && m.classification !== 'UNSPECIFIED' && (
            <p className={`marking marking-${m.classification.toLowerCase()}`}>{t('msg.marking', { marking: e(classificationName(m.classification)) })}</p>
          )}
          <p className="lead">{summaryText(m, t, has)}</p>
          {m.kind === 'URGENT' && <Deadline m={m} />}
          <Header m={m} />
          <Recipients m={m} />
          <section aria-labelledby="content-h">
            <h2 id="content-h">{t('msg.content')}</h2>
            {m.payload ? <PayloadOf payload={m.payload} /> : <p className="muted">—</p>}
          </section>
          <MatchesPanel id={m.id} />
          <ReceivedDecisionsPanel id={m.id} />
          <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">{t('msg.timeline')}</h2>
            {timeline.error && <ErrorBox error={timeline.error} retry={timeline.reload} />}
            {timeline.data && <Timeline entries={timeline.data} />}
          </section>
        </>
      )}
    </Page>
  );
}

function Header({ m }: { m: MessageView }) {
  const { t, e } = useI18n();
  const session = useSession();
  const rows: [string, React.ReactNode][] = [
    [t('msg.sender'), `${session.unitName(m.senderUnit)} (${m.senderUnit})`],
    [t('msg.classification'), e(classificationName(m.classification))],
    [t('msg.createdAt'), <Time at={m.createdAt} />],
  ];
  if (m.reportedAt) rows.push([t('msg.reportedAt'), <Time at={m.reportedAt} />]);
  if (m.receivedAt) rows.push([t('msg.receivedAt'), <Time at={m.receivedAt} />]);
  if (m.period) rows.push([t('msg.period'), m.period]);
  if (m.eventAt) rows.push([t('msg.eventAt'), <Time at={m.eventAt} />]);
  if (m.createdBy) rows.push([t('msg.createdBy'), m.createdBy]);
  if (m.confirms) rows.push([t('msg.confirms'), m.direction === 'OUT' ? <Link to={`/messages/${m.confirms}`}>{m.confirms}</Link> : m.confirms]);
  rows.push([t('msg.id'), <code>{m.id}</code>]);
  return (
    <dl className="meta">
      {rows.map(([k, v], i) => (
        <div key={i}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Recipients({ m }: { m: MessageView }) {
  const { t } = useI18n();
  const session = useSession();
  return (
    <section aria-labelledby="status-h">
      <h2 id="status-h">{t('msg.status')}</h2>
      <div className="table-wrap">
        <table className="recipients" aria-live="polite">
          <thead>
            <tr>
              <th scope="col">{t('msg.unit')}</th>
              <th scope="col">{t('list.status')}</th>
              <th scope="col">{t('msg.sentAt')}</th>
              <th scope="col">{t('msg.deliveredAt')}</th>
              <th scope="col">{t('msg.readAt')}</th>
            </tr>
          </thead>
          <tbody>
            {m.recipients.map((r) => (
              <tr key={r.unitId} data-unit={r.unitId} data-status={r.status}>
                <th scope="row">{session.unitName(r.unitId)}</th>
                <td>
                  <StatusBadge status={r.status} />
                  {r.reason && <div className="field-error">{r.reason}</div>}
                </td>
                <td>
                  <Time at={r.sentAt} />
                </td>
                <td>
                  <Time at={r.deliveredAt ?? r.deadLetteredAt} />
                </td>
                <td>
                  <Time at={r.readAt} />
                  {r.readBy && <div className="muted">{r.readBy}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The written confirmation deadline (oral report + 2 h), a live countdown, and "confirm in writing". */
function Deadline({ m }: { m: MessageView }) {
  const { t } = useI18n();
  const session = useSession();
  const now = useNow(1000);
  const reported = new Date(m.reportedAt ?? m.createdAt).getTime();
  const due = reported + CONFIRM_WITHIN_MS;
  const since = new Date(reported - 60_000).toISOString();
  // The confirmation, if one was sent: a bounded look-up among confirmations sent since the report.
  const confirmation = useAsync(
    async (signal) => {
      if (m.direction !== 'OUT') return null;
      const page = await api<PageOf<MessageView>>(`/api/messages${query({ box: 'outbox', kind: 'URGENT_CONFIRMATION', since, pageSize: 50 })}`, { signal });
      return page.items.find((c) => c.confirms === m.id) ?? null;
    },
    [m.id],
  );
  useLiveEvents((e) => e.box === 'outbox' && e.type === 'message' && confirmation.reload());
  const left = due - now;
  const done = confirmation.data;
  return (
    <section className={`deadline ${done ? 'done' : left < 0 ? 'late' : left < 30 * 60_000 ? 'soon' : ''}`} aria-labelledby="deadline-h">
      <h2 id="deadline-h">{t('msg.deadline', { at: formatInstant(new Date(due), session.zone) })}</h2>
      {done ? (
        <p>
          {t('msg.confirmed', { link: '' })}
          <Link to={`/messages/${done.id}`}>{t('msg.confirmedLink')}</Link> (<Time at={done.createdAt} />)
        </p>
      ) : (
        <>
          <p className="countdown" role="timer" aria-live="off" aria-atomic="true">
            {left >= 0 ? t('msg.remaining', { span: formatSpan(left) }) : t('msg.overdueBy', { span: formatSpan(left) })}
          </p>
          {m.direction === 'OUT' && session.me.user.role === 'duty-officer' && (
            <Link className="button" to={`/compose/confirmation?urgent=${m.id}`}>
              {t('msg.confirm')}
            </Link>
          )}
        </>
      )}
    </section>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t, has } = useI18n();
  const session = useSession();
  if (!entries.length) return <p className="muted">{t('msg.timelineEmpty')}</p>;
  return (
    <ol className="timeline">
      {entries.map((e, i) => (
        <li key={i}>
          <Time at={e.at} /> — <strong>{has(`action.${e.action}`) ? t(`action.${e.action}`) : e.action}</strong> · {session.unit(e.actor) ? session.unitName(e.actor) : e.actor}
          {e.unitId && <span className="muted"> · {session.unitName(e.unitId)}</span>}
          {e.details && Object.keys(e.details).length > 0 && (
            <details>
              <summary>{t('msg.details')}</summary>
              <pre>{JSON.stringify(e.details, null, 2)}</pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
