/**
 * Search of the unit's messages (GET /api/messages?box=all): by a person (surname, given names),
 * document number, checkpoint, kind, period, dates and the words of the whole report. The conditions
 * are kept in the URL; a condition the server refuses is shown beside its field in the user's language.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, api, query } from '@shared/api';
import { ErrorBox, Loading, Page, Pager, useAsync } from '@shared/components';
import { KINDS } from '@shared/enums';
import { fieldErrorText } from '@shared/field-errors';
import { useI18n } from '@shared/i18n';
import { useLocation } from '@shared/router';
import { useSession } from '@shared/session';
import { fromZonedInput } from '@shared/time';
import type { MessageView, Page as PageOf } from '@shared/types';
import { Row } from './Messages';

const PAGE_SIZE = 20;
const FIELDS = ['surname', 'givenNames', 'document', 'checkpoint', 'kind', 'period', 'text', 'since', 'until'] as const;
type Conditions = Record<(typeof FIELDS)[number], string>;

export function SearchPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const { search, navigate, path } = useLocation();
  const current = Object.fromEntries(FIELDS.map((f) => [f, search.get(f) ?? ''])) as Conditions;
  const page = Number(search.get('page') ?? 1) || 1;
  const any = FIELDS.some((f) => current[f]);
  // Dates are local days of the unit: from the start of `since` to the end of `until`.
  const day = (d: string, end: boolean): string | undefined => {
    const start = d ? fromZonedInput(`${d}T00:00`, session.zone) : null;
    if (!start) return undefined;
    return end ? new Date(Date.parse(start) + 86_400_000).toISOString() : start;
  };
  const qs = query({ box: 'all', ...current, since: day(current.since, false), until: day(current.until, true), page, pageSize: PAGE_SIZE });
  const result = useAsync((signal) => (any ? api<PageOf<MessageView>>(`/api/messages${qs}`, { signal }) : Promise.resolve(null)), [qs]);
  const fieldErrors = result.error instanceof ApiError && result.error.status === 400 ? result.error.byField((e) => fieldErrorText(e, lang, session.zone)) : {};
  const [v, setV] = useState(current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`${path}${query({ ...v, page: 1 })}`);
  };
  const text = (name: keyof Conditions, label: string, extra: Partial<React.InputHTMLAttributes<HTMLInputElement>> = {}, hint?: string) => (
    <div className="field">
      <label htmlFor={`s-${name}`}>{label}</label>
      <input
        id={`s-${name}`}
        value={v[name]}
        onChange={(e) => setV({ ...v, [name]: e.target.value })}
        aria-invalid={fieldErrors[name] ? true : undefined}
        aria-describedby={[hint ? `s-${name}-hint` : '', fieldErrors[name] ? `s-${name}-err` : ''].filter(Boolean).join(' ') || undefined}
        {...extra}
      />
      {hint && (
        <span id={`s-${name}-hint`} className="hint">
          {hint}
        </span>
      )}
      {fieldErrors[name] && (
        <span id={`s-${name}-err`} className="field-error">
          {fieldErrors[name].join('; ')}
        </span>
      )}
    </div>
  );
  const data = result.data;
  return (
    <Page title={t('search.title')}>
      <p className="muted">{t('search.intro')}</p>
      <form className="filters search-form" role="search" aria-label={t('search.title')} onSubmit={submit}>
        {text('surname', t('search.surname'), { autoComplete: 'off' })}
        {text('givenNames', t('search.givenNames'), { autoComplete: 'off' })}
        {text('document', t('search.document'), { autoComplete: 'off' })}
        {text('checkpoint', t('search.checkpoint'), { placeholder: session.me.unit.checkpointId ?? 'CP-CN-A-01' })}
        <div className="field">
          <label htmlFor="s-kind">{t('list.kind')}</label>
          <select id="s-kind" value={v.kind} onChange={(e) => setV({ ...v, kind: e.target.value })}>
            <option value="">{t('list.anyKind')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        {text('period', t('list.period'), { placeholder: '2026-03' }, t('list.periodHint'))}
        {text('since', t('search.since'), { type: 'date' })}
        {text('until', t('search.until'), { type: 'date' })}
        {text('text', t('search.text'), { type: 'search', className: 'wide' }, t('search.textHint'))}
        <div className="actions">
          <button type="submit">{t('search.submit')}</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setV(Object.fromEntries(FIELDS.map((f) => [f, ''])) as Conditions);
              navigate(path);
            }}
          >
            {t('list.reset')}
          </button>
        </div>
      </form>
      {!any && <p className="muted">{t('search.empty')}</p>}
      {result.error && !Object.keys(fieldErrors).length && <ErrorBox error={result.error} retry={result.reload} />}
      {any && result.loading && !data && <Loading />}
      {data && (
        <>
          <p className="muted" aria-live="polite" data-testid="search-total">
            {t('search.results', { n: data.total })}
          </p>
          {data.items.length > 0 && (
            <div className="table-wrap">
              <table className="messages">
                <thead>
                  <tr>
                    <th scope="col">{t('list.kind')}</th>
                    <th scope="col">{t('list.summary')}</th>
                    <th scope="col">
                      {t('list.from')} / {t('list.to')}
                    </th>
                    <th scope="col">{t('list.created')}</th>
                    <th scope="col">{t('list.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((m) => (
                    <Row key={m.id} m={m} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={(p) => navigate(`${path}${query({ ...current, page: p })}`)} />
        </>
      )}
    </Page>
  );
}
