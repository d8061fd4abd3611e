import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api, query, useLiveEvents } from '@shared/api';
import { ErrorBox, Loading, Page, Pager, StatusBadge, Time, useAsync } from '@shared/components';
import { KINDS, classificationName } from '@shared/enums';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { useSession } from '@shared/session';
import type { MessageView, Page as PageOf } from '@shared/types';
import { summaryText } from '../summary';

const PAGE_SIZE = 20;

/** Inbox or outbox: server-side filters (kept in the URL) and paging; refreshed by live events. */
export function Messages({ box }: { box: 'inbox' | 'outbox' }) {
  const { t } = useI18n();
  const session = useSession();
  const { search, navigate, path } = useLocation();
  const filters = {
    kind: search.get('kind') ?? '',
    period: search.get('period') ?? '',
    unit: search.get('unit') ?? '',
    unread: box === 'inbox' && search.get('unread') === 'true',
    q: search.get('q') ?? '',
    page: Number(search.get('page') ?? 1) || 1,
  };
  const qs = query({ box, ...filters, pageSize: PAGE_SIZE });
  const list = useAsync((signal) => api<PageOf<MessageView>>(`/api/messages${qs}`, { signal }), [qs]);
  const timer = useRef<number | undefined>(undefined);
  useLiveEvents((e) => {
    if (e.box !== box) return;
    clearTimeout(timer.current);
    timer.current = window.setTimeout(list.reload, 150);
  });
  const go = (next: Partial<typeof filters>) => navigate(`${path}${query({ ...filters, page: 1, ...next })}`);
  const title = t(box === 'inbox' ? 'list.inbox' : 'list.outbox');
  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <Page title={title}>
      <Filters key={qs} box={box} initial={filters} onApply={go} onReset={() => navigate(path)} units={session.counterparts.map((u) => u.id)} />
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {!data && !list.error && <Loading />}
      {data && (
        <>
          <p className="muted" aria-live="polite" aria-busy={list.loading}>
            {t('list.total', { n: data.total })}
          </p>
          {data.items.length === 0 ? (
            <p className="empty">{t('list.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="messages">
                <caption className="visually-hidden">{t('list.caption', { box: title, page: data.page, pages })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('list.kind')}</th>
                    <th scope="col">{t('list.summary')}</th>
                    <th scope="col">{t(box === 'inbox' ? 'list.from' : 'list.to')}</th>
                    <th scope="col">{t('list.created')}</th>
                    <th scope="col">{t('list.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((m) => (
                    <Row key={m.id} m={m} box={box} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={(p) => navigate(`${path}${query({ ...filters, page: p })}`)} />
        </>
      )}
    </Page>
  );
}

/** One message of a listing (inbox, outbox, or the search: each row by its direction). */
export function Row({ m }: { m: MessageView; box?: 'inbox' | 'outbox' }) {
  const { t, e, has } = useI18n();
  const session = useSession();
  const box = m.direction === 'IN' ? 'inbox' : 'outbox';
  const mine = m.recipients.find((r) => r.unitId === session.me.unit.id);
  const unread = box === 'inbox' && mine?.status === 'DELIVERED';
  return (
    <tr className={`${unread ? 'unread' : ''} kind-${m.kind.toLowerCase()}`}>
      <td>
        <span className={`kind-tag kind-${m.kind.toLowerCase()}`}>{t(`kind.${m.kind}`)}</span>
        {m.period && <span className="muted"> {m.period}</span>}
      </td>
      <td className="summary">
        {unread && <span className="badge new">{t('list.new')}</span>}{' '}
        <Link to={`/messages/${m.id}`}>{m.restricted ? <span className="restricted">{t('list.restricted', { marking: e(classificationName(m.classification)) })}</span> : summaryText(m, t, has) || m.id}</Link>
        {m.confirmedBy === null && (
          <>
            {' '}
            <span className="badge awaiting" data-testid="awaiting-confirmation">
              {t('list.awaiting')}
            </span>
          </>
        )}
        {m.confirmedBy && (
          <>
            {' '}
            <Link className="badge confirmed" to={`/messages/${m.confirmedBy}`}>
              {t('list.confirmedMark')}
            </Link>
          </>
        )}
      </td>
      <td>{box === 'inbox' ? session.unitName(m.senderUnit) : m.recipientUnits.map((u) => session.unitName(u)).join(', ')}</td>
      <td>
        <Time at={m.createdAt} />
      </td>
      <td>
        {box === 'inbox' ? (
          mine && <StatusBadge status={mine.status} />
        ) : (
          <ul className="statuses">
            {m.recipients.map((r) => (
              <li key={r.unitId}>
                <span className="muted">{t(`agency.${r.agency}`)}:</span> <StatusBadge status={r.status} />
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

interface FilterValues {
  kind: string;
  period: string;
  unit: string;
  unread: boolean;
  q: string;
}

function Filters({ box, initial, onApply, onReset, units }: { box: string; initial: FilterValues; onApply(v: FilterValues): void; onReset(): void; units: string[] }) {
  const { t } = useI18n();
  const session = useSession();
  const [v, setV] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(v);
  };
  return (
    <form className="filters" role="search" aria-label={t('list.filters')} onSubmit={submit}>
      <div className="field">
        <label htmlFor="flt-kind">{t('list.kind')}</label>
        <select id="flt-kind" value={v.kind} onChange={(e) => onApply({ ...v, kind: e.target.value })}>
          <option value="">{t('list.anyKind')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind.${k}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="flt-unit">{t('list.unit')}</label>
        <select id="flt-unit" value={v.unit} onChange={(e) => onApply({ ...v, unit: e.target.value })}>
          <option value="">{t('list.anyUnit')}</option>
          {units.map((u) => (
            <option key={u} value={u}>
              {session.unitName(u)}
            </option>
          ))}
        </select>
      </div>
      <div className="field short">
        <label htmlFor="flt-period">{t('list.period')}</label>
        <input id="flt-period" value={v.period} onChange={(e) => setV({ ...v, period: e.target.value.trim() })} placeholder="2026-03" aria-describedby="flt-period-hint" pattern="\d{4}-(\d{2}(-\d{2})?|H[12])" />
        <span id="flt-period-hint" className="hint">
          {t('list.periodHint')}
        </span>
      </div>
      <div className="field">
        <label htmlFor="flt-q">{t('list.q')}</label>
        <input id="flt-q" type="search" value={v.q} onChange={(e) => setV({ ...v, q: e.target.value })} />
      </div>
      {box === 'inbox' && (
        <div className="field check">
          <input id="flt-unread" type="checkbox" checked={v.unread} onChange={(e) => onApply({ ...v, unread: e.target.checked })} />
          <label htmlFor="flt-unread">{t('list.unread')}</label>
        </div>
      )}
      <div className="actions">
        <button type="submit">{t('list.apply')}</button>
        <button type="button" className="secondary" onClick={onReset}>
          {t('list.reset')}
        </button>
      </div>
    </form>
  );
}
