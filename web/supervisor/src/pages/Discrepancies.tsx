/**
 * Clause 9.3 in the ledger: counterpart figures reconciled per month and pair of units (GET
 * /api/discrepancies), by default the unreconciled discrepancies, filtered by months, agency, level
 * and status, exported as CSV or XLSX. A supervisor sees the pairs one side of which is theirs.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, query } from '@shared/api';
import { useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { useLocation } from '@shared/router';
import { localDay } from '@shared/time';
import { CAPITAL_ZONE } from '../session';
import { AgencySelect, LevelSelect, ListingPage, UnitName, rowsOf } from '../common';
import type { Listing } from '../types';

interface DiscrepancyRow {
  period: string;
  handing_unit: string;
  receiving_unit: string;
  handed_over: number | null;
  received: number | null;
  acts: number;
  status: 'DISCREPANCY' | 'AWAITING' | 'EXPLAINED' | 'AGREED';
  explanations: string;
}

const PAGE = 50;
const STATUSES = ['DISCREPANCY', 'AWAITING', 'EXPLAINED', 'AGREED'] as const;

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

export function Discrepancies() {
  const { t } = useI18n();
  const { search, navigate, path } = useLocation();
  const g = (k: string) => search.get(k) || undefined;
  const to = g('to') && /^\d{4}-\d{2}$/.test(g('to')!) ? g('to')! : localDay(new Date(), CAPITAL_ZONE).slice(0, 7);
  const from = g('from') && /^\d{4}-\d{2}$/.test(g('from')!) ? g('from')! : addMonths(to, -11);
  const filters = { from, to, agency: g('agency'), level: g('level'), status: g('status') };
  const page = Math.max(1, Number(g('page') ?? 1) || 1);
  const p = query(filters);
  const list = useAsync((signal) => api<Listing<DiscrepancyRow>>(`/api/discrepancies${p}${p ? '&' : '?'}page=${page}&pageSize=${PAGE}`, { signal }), [p, page]);
  const [draft, setDraft] = useState(filters);
  const upd = (k: keyof typeof filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value || undefined }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(path + query(draft));
  };
  return (
    <ListingPage
      name="discrepancies"
      fields={[]}
      path="/api/discrepancies"
      params={p}
      list={list}
      filters={
        <form className="filters no-print" onSubmit={submit} aria-label={t('sv.f.legend')}>
          <div className="field narrow-field">
            <label htmlFor="d-from">{t('sv.disc.from')}</label>
            <input id="d-from" type="month" required value={draft.from} onChange={upd('from')} />
          </div>
          <div className="field narrow-field">
            <label htmlFor="d-to">{t('sv.disc.to')}</label>
            <input id="d-to" type="month" required value={draft.to} onChange={upd('to')} />
          </div>
          <AgencySelect id="d-agency" value={draft.agency} onChange={upd('agency')} />
          <LevelSelect id="d-level" value={draft.level} onChange={upd('level')} />
          <div className="field">
            <label htmlFor="d-status">{t('sv.disc.status')}</label>
            <select id="d-status" value={draft.status ?? ''} onChange={upd('status')}>
              <option value="">{t('sv.disc.unreconciled')}</option>
              <option value="all">{t('sv.disc.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`sv.disc.st.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit">{t('sv.disc.apply')}</button>
          </div>
        </form>
      }
      onPage={(n) => navigate(path + query({ ...filters, page: n > 1 ? n : undefined }))}
    >
      {(data) => (
        <table className="discrepancies" data-testid="discrepancies">
          <caption>{t('sv.discrepancies.caption', { from, to, ...rowsOf(data.page, data.pageSize, data.total, data.items.length) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sv.disc.period')}</th>
              <th scope="col">{t('sv.disc.handing')}</th>
              <th scope="col">{t('sv.disc.receiving')}</th>
              <th scope="col">{t('sv.disc.handed')}</th>
              <th scope="col">{t('sv.disc.received')}</th>
              <th scope="col">{t('sv.disc.acts')}</th>
              <th scope="col">{t('sv.disc.status')}</th>
              <th scope="col">{t('sv.disc.explanations')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((r) => (
              <tr key={`${r.period}|${r.handing_unit}|${r.receiving_unit}`} data-pair={`${r.period} ${r.handing_unit}>${r.receiving_unit}`} data-status={r.status}>
                <td>{r.period}</td>
                <td>
                  <UnitName id={r.handing_unit} />
                </td>
                <td>
                  <UnitName id={r.receiving_unit} />
                </td>
                <td>{r.handed_over ?? <span className="muted">{t('sv.disc.none')}</span>}</td>
                <td>{r.received ?? <span className="muted">{t('sv.disc.none')}</span>}</td>
                <td>{r.acts}</td>
                <td>
                  <span className={`badge disc-${r.status.toLowerCase()}`}>{t(`sv.disc.st.${r.status}`)}</span>
                </td>
                <td className="pre">{r.explanations}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ListingPage>
  );
}
