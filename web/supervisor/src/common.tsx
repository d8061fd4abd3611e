/** Building blocks of the supervisor console: zoned times, verdict badges, filters kept in the URL, exports. */
import { useMemo, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { getToken, query, saveBlob } from '@shared/api';
import type { Async } from '@shared/components';
import { Page } from '@shared/components';
import { ListingCard } from '@shared/listing';
import type { Paged } from '@shared/listing';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { fullInstant, localDay, localDateTime, utcOffset, toDate } from '@shared/time';
import { REGIONS } from './dictionary';
import { CAPITAL_ZONE, useSv } from './session';
import { AGENCIES, OBLIGATIONS, VERDICTS } from './types';

/**
 * An instant in a zone (the unit's): "22.11.2026 07:15 (Asia/Almaty, UTC+05:00)"; compact: the
 * offset only (the zone is in the title). The full instant (seconds, zone, UTC) on hover.
 */
export function Time({ at, zone, compact, seconds }: { at: string | null | undefined; zone: string; compact?: boolean; seconds?: boolean }) {
  const d = toDate(at);
  if (!d) return <span>—</span>;
  return (
    <time dateTime={d.toISOString()} title={fullInstant(d, zone)} className="zoned">
      <span className="dt">{localDateTime(d, zone, seconds)}</span> <span className="zone">{compact ? utcOffset(d, zone) : `(${zone}, ${utcOffset(d, zone)})`}</span>
    </time>
  );
}

/** A message id short enough for a table and still telling ids apart (UUIDv7 ids share their time prefix). */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/** "22.11.2026" of a local date "2026-11-22". */
export function dmy(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : date;
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function today(): string {
  return localDay(new Date(), CAPITAL_ZONE);
}

/** "2 ч 05 мин" / "3 д 4 ч". */
export function duration(seconds: number, t: (k: string, v?: Record<string, string | number>) => string): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? t('sv.overdue.days', { d, h }) : t('sv.overdue.hours', { h, m: String(m).padStart(2, '0') });
}

export function VerdictBadge({ verdict }: { verdict: string }) {
  const { t } = useI18n();
  return <span className={`badge verdict v-${verdict}`}>{t(`verdict.${verdict}`)}</span>;
}

/** A unit's name in the current language, its id beneath (or, inline, in the title). */
export function UnitName({ id, link, inline }: { id: string; link?: string; inline?: boolean }) {
  const { unitName } = useSv();
  const name = unitName(id);
  if (inline)
    return (
      <span className="unit-inline" title={id}>
        {link ? <Link to={link}>{name}</Link> : name}
      </span>
    );
  return (
    <span className="unit-cell">
      {link ? <Link to={link}>{name}</Link> : name}
      {name !== id && <span className="unit-id">{id}</span>}
    </span>
  );
}

export function regionName(code: string | null | undefined, lang: string): string {
  if (!code) return '';
  const r = REGIONS[code];
  return r ? (lang === 'ru' ? r[0] : r[1]) : code;
}

// --- filters, kept in the URL's query (shareable, back/forward work)

export type FilterName = 'range' | 'agency' | 'level' | 'region' | 'unit' | 'obligation' | 'verdict' | 'period' | 'bucket' | 'lookbackDays';

export interface Filters {
  from: string;
  to: string;
  agency?: string;
  level?: string;
  region?: string;
  unit?: string;
  obligation?: string;
  verdict?: string;
  period?: string;
  bucket: string;
  lookbackDays: string;
  page: number;
}

/** The filters of the current URL, with defaults: the last 7 days up to today (capital's zone). */
export function useFilters(): { filters: Filters; set(next: Partial<Filters>, keepPage?: boolean): void; params(extra?: Record<string, string | number | undefined>): string } {
  const { search, path, navigate } = useLocation();
  const filters = useMemo<Filters>(() => {
    const g = (k: string) => search.get(k) || undefined;
    const to = g('to') ?? today();
    return {
      from: g('from') ?? addDays(to, -6),
      to,
      agency: g('agency'),
      level: g('level'),
      region: g('region'),
      unit: g('unit'),
      obligation: g('obligation'),
      verdict: g('verdict'),
      period: g('period'),
      bucket: g('bucket') ?? 'day',
      lookbackDays: g('lookbackDays') ?? '7',
      page: Math.max(1, Number(g('page') ?? 1) || 1),
    };
  }, [search]);
  const set = (next: Partial<Filters>, keepPage = false) => {
    const merged = { ...filters, ...next };
    if (!keepPage) merged.page = 1;
    navigate(path + query({ ...merged, page: merged.page > 1 ? merged.page : undefined } as Record<string, string | number | undefined>));
  };
  const params = (extra: Record<string, string | number | undefined> = {}) =>
    query({ from: filters.from, to: filters.to, agency: filters.agency, level: filters.level, region: filters.region, unit: filters.unit, ...extra });
  return { filters, set, params };
}

/** A link to another page keeping the unit filters and the range. */
export function hrefWith(path: string, f: Filters, extra: Record<string, string | number | undefined> = {}): string {
  return path + query({ from: f.from, to: f.to, agency: f.agency, level: f.level, region: f.region, unit: f.unit, ...extra });
}

/** The agency filter ("any" first). */
export function AgencySelect({ id, value, onChange }: { id: string; value?: string; onChange(e: { target: { value: string } }): void }) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{t('sv.f.agency')}</label>
      <select id={id} value={value ?? ''} onChange={onChange}>
        <option value="">{t('sv.f.anyAgency')}</option>
        {AGENCIES.map((a) => (
          <option key={a} value={a}>
            {t(`agency.${a}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The level filter ("any" first). */
export function LevelSelect({ id, value, onChange }: { id: string; value?: string; onChange(e: { target: { value: string } }): void }) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{t('sv.f.level')}</label>
      <select id={id} value={value ?? ''} onChange={onChange}>
        <option value="">{t('sv.f.anyLevel')}</option>
        {[1, 2, 3, 4, 5].map((n) => (
          <option key={n} value={String(n)}>
            {t('sv.f.levelN', { n, name: t(`sv.level.${n}`) })}
          </option>
        ))}
      </select>
    </div>
  );
}

export function FilterBar({ fields, children }: { fields: FilterName[]; children?: ReactNode }) {
  const { t, lang } = useI18n();
  const { units } = useSv();
  const { filters, set } = useFilters();
  const [draft, setDraft] = useState(filters);
  const [key, setKey] = useState(filters);
  if (key !== filters) {
    // The URL changed (navigation): start over from it.
    setKey(filters);
    setDraft(filters);
  }
  const [error, setError] = useState<string | null>(null);
  const has = (f: FilterName) => fields.includes(f);
  const upd = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value || undefined }));
  const regions = useMemo(() => [...new Set(units.map((u) => u.region).filter(Boolean) as string[])].sort(), [units]);
  const [unitSearch, setUnitSearch] = useState('');
  const unitOptions = useMemo(
    () => units.filter((u) => (!draft.agency || u.agency === draft.agency) && (!draft.level || String(u.level) === draft.level) && (!draft.region || u.region === draft.region)),
    [units, draft.agency, draft.level, draft.region],
  );
  // The unit selector is searchable: words of the name (either language) or the id, in any order.
  const shownUnits = useMemo(() => {
    const words = unitSearch.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return unitOptions;
    return unitOptions.filter((u) => {
      const text = `${u.nameRu} ${u.nameEn} ${u.id}`.toLocaleLowerCase();
      return words.every((w) => text.includes(w)) || u.id === draft.unit;
    });
  }, [unitOptions, unitSearch, draft.unit]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (has('range') && draft.from > draft.to) {
      setError(t('sv.f.badRange'));
      return;
    }
    setError(null);
    const unit = draft.unit && unitOptions.some((u) => u.id === draft.unit) ? draft.unit : undefined;
    set({ ...draft, unit });
  };
  const reset = () => {
    setError(null);
    const to = today();
    set({ from: addDays(to, -6), to, agency: undefined, level: undefined, region: undefined, unit: undefined, obligation: undefined, verdict: undefined, period: undefined, bucket: 'day', lookbackDays: '7' });
  };
  return (
    <form className="filters no-print" onSubmit={submit} aria-label={t('sv.f.legend')}>
      {has('range') && (
        <>
          <div className="field narrow-field">
            <label htmlFor="f-from">{t('sv.f.from')}</label>
            <input id="f-from" type="date" required value={draft.from} max={draft.to} onChange={upd('from')} aria-invalid={error ? true : undefined} aria-describedby={error ? 'f-error' : 'f-range-hint'} />
          </div>
          <div className="field narrow-field">
            <label htmlFor="f-to">{t('sv.f.to')}</label>
            <input id="f-to" type="date" required value={draft.to} onChange={upd('to')} aria-describedby="f-range-hint" />
          </div>
        </>
      )}
      {has('lookbackDays') && (
        <div className="field narrow-field">
          <label htmlFor="f-lookback">{t('sv.f.lookback')}</label>
          <input id="f-lookback" type="number" min={1} max={62} required value={draft.lookbackDays} onChange={upd('lookbackDays')} />
        </div>
      )}
      {has('agency') && <AgencySelect id="f-agency" value={draft.agency} onChange={upd('agency')} />}
      {has('level') && <LevelSelect id="f-level" value={draft.level} onChange={upd('level')} />}
      {has('region') && (
        <div className="field">
          <label htmlFor="f-region">{t('sv.f.region')}</label>
          <select id="f-region" value={draft.region ?? ''} onChange={upd('region')}>
            <option value="">{t('sv.f.anyRegion')}</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {regionName(r, lang)}
              </option>
            ))}
          </select>
        </div>
      )}
      {has('unit') && (
        <div className="field wide-field">
          <label htmlFor="f-unit-search">{t('sv.f.unitSearch')}</label>
          <input id="f-unit-search" type="search" value={unitSearch} onChange={(e) => setUnitSearch(e.target.value)} aria-controls="f-unit" autoComplete="off" />
          <label htmlFor="f-unit">{t('sv.f.unit')}</label>
          <select id="f-unit" value={draft.unit ?? ''} onChange={upd('unit')}>
            <option value="">{t('sv.f.anyUnit')}</option>
            {shownUnits.map((u) => (
              <option key={u.id} value={u.id}>
                {lang === 'ru' ? u.nameRu : u.nameEn} ({u.id})
              </option>
            ))}
          </select>
        </div>
      )}
      {has('obligation') && (
        <div className="field">
          <label htmlFor="f-obligation">{t('sv.f.obligation')}</label>
          <select id="f-obligation" value={draft.obligation ?? ''} onChange={upd('obligation')}>
            <option value="">{t('sv.f.anyObligation')}</option>
            {OBLIGATIONS.map((o) => (
              <option key={o} value={o}>
                {t(`obligation.${o}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      {has('verdict') && (
        <div className="field">
          <label htmlFor="f-verdict">{t('sv.f.verdict')}</label>
          <select id="f-verdict" value={draft.verdict ?? ''} onChange={upd('verdict')}>
            <option value="">{t('sv.f.anyVerdict')}</option>
            {VERDICTS.map((v) => (
              <option key={v} value={v}>
                {t(`verdict.${v}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      {has('period') && (
        <div className="field narrow-field">
          <label htmlFor="f-period">{t('sv.f.period')}</label>
          <input id="f-period" value={draft.period ?? ''} onChange={upd('period')} pattern="\d{4}-(\d{2}(-\d{2})?|H[12])" aria-describedby="f-period-hint" />
          <span className="hint" id="f-period-hint">
            {t('sv.f.periodHint')}
          </span>
        </div>
      )}
      {has('bucket') && (
        <div className="field narrow-field">
          <label htmlFor="f-bucket">{t('sv.f.bucket')}</label>
          <select id="f-bucket" value={draft.bucket} onChange={upd('bucket')}>
            {['day', 'week', 'month'].map((b) => (
              <option key={b} value={b}>
                {t(`sv.bucket.${b}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="actions">
        <button type="submit">{t('sv.f.apply')}</button>
        <button type="button" className="secondary" onClick={reset}>
          {t('sv.f.reset')}
        </button>
        {children}
      </div>
      {has('range') && (
        <p className="hint full-row" id="f-range-hint">
          {t('sv.f.rangeHint')}
        </p>
      )}
      {error && (
        <p role="alert" className="field-error full-row" id="f-error">
          {error}
        </p>
      )}
    </form>
  );
}

// --- exports: the whole filtered listing as a file, fetched with the bearer token and saved

function fileNameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  return m ? decodeURIComponent(m[1]) : fallback;
}

/**
 * The export buttons of a listing: CSV and XLSX of the whole filtered listing, and (`journal`: the
 * range's query) the ledger's journal of the range, which the server streams as it reads the ledger.
 * Each download shows its progress as it arrives (rows received, and of how many when the server
 * says: X-Export-Rows) and can be cancelled: the request is aborted, and the server stops its work.
 */
export function ExportButtons({ path, params, journal }: { path: string; params: string; journal?: string }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<{ text: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  // The running export's abort: Cancel stops the request (and the server's response) at once.
  const abort = useRef<AbortController | null>(null);
  const run = async (format: 'csv' | 'xlsx' | 'jsonl') => {
    const controller = new AbortController();
    abort.current = controller;
    setBusy(true);
    setStatus({ text: t('sv.export.busy') });
    try {
      const sep = params ? '&' : '?';
      // lang: a file for people (names in the console's language beside ids, local times with the zone).
      const target = format === 'jsonl' ? `/api/journal${journal ?? ''}` : `${path}${params}${sep}format=${format}&lang=${lang}`;
      const res = await fetch(target, { headers: { authorization: `Bearer ${getToken() ?? ''}`, 'accept-language': lang }, signal: controller.signal });
      if (!res.ok) {
        let message = res.statusText;
        try {
          const body = await res.json();
          // Too many rows for a spreadsheet: say so in the console's language, with the way out.
          message = body.code === 'EXPORT_TOO_LARGE' ? t('sv.export.tooLarge') : (body.message ?? message);
        } catch {
          /* not JSON */
        }
        throw new Error(message);
      }
      const name = fileNameOf(res, `export.${format}`);
      // The body is read as it streams in, with its progress: rows (lines) received, of X-Export-Rows
      // when the server says; else bytes of Content-Length when it sends one.
      const total = Number(res.headers.get('content-length') ?? 0);
      const totalRows = Number(res.headers.get('x-export-rows') ?? 0);
      const chunks: Uint8Array[] = [];
      let got = 0;
      // Lines received: the header line of a CSV file is not a row.
      let lines = format === 'csv' ? -1 : 0;
      const reader = res.body!.getReader();
      const kb = (n: number) => Math.ceil(n / 1024).toLocaleString(lang);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.length;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        const rows = Math.max(0, lines).toLocaleString(lang);
        setStatus({
          text:
            format === 'xlsx'
              ? total
                ? t('sv.export.progress', { got: kb(got), total: kb(total), pct: Math.floor((got / total) * 100) })
                : t('sv.export.progressUnknown', { got: kb(got) })
              : totalRows
                ? t('sv.export.progressRows', { rows, total: totalRows.toLocaleString(lang), pct: Math.min(99, Math.floor((Math.max(0, lines) / totalRows) * 100)), got: kb(got) })
                : t('sv.export.progressRowsUnknown', { rows, got: kb(got) }),
        });
      }
      saveBlob(new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? undefined }), name);
      setStatus({ text: t('sv.export.done', { name }) });
    } catch (e) {
      if (controller.signal.aborted) setStatus({ text: t('sv.export.cancelled') });
      else setStatus({ text: t('sv.export.failed', { message: (e as Error).message }), error: true });
    } finally {
      abort.current = null;
      setBusy(false);
    }
  };
  return (
    <div className="exports no-print" role="group" aria-label={t('sv.export.label')}>
      <span className="exports-label" aria-hidden="true">
        {t('sv.export.label')}:
      </span>
      <button type="button" className="secondary small" disabled={busy} aria-label={t('sv.export.csvLabel')} onClick={() => void run('csv')}>
        ⤓ {t('sv.export.csv')}
      </button>
      <button type="button" className="secondary small" disabled={busy} aria-label={t('sv.export.xlsxLabel')} onClick={() => void run('xlsx')}>
        ⤓ {t('sv.export.xlsx')}
      </button>
      {journal !== undefined && (
        <button type="button" className="secondary small" disabled={busy} aria-label={t('sv.export.journalLabel')} onClick={() => void run('jsonl')}>
          ⤓ {t('sv.export.journal')}
        </button>
      )}
      {busy && (
        <button type="button" className="secondary small" onClick={() => abort.current?.abort()}>
          {t('sv.export.cancel')}
        </button>
      )}
      <span className={status?.error ? 'export-status error-text' : 'export-status muted'} role="status">
        {status?.text ?? ''}
      </span>
    </div>
  );
}

/** "rows 1–50 of 312" figures of a page. */
export function rowsOf(page: number, pageSize: number, total: number, shown: number): { first: number; last: number; total: number } {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  return { first, last: first + Math.max(0, shown - 1), total };
}

/**
 * A listing page (overdue, verdicts): lead, filters, the zone note, then the listing in a card with
 * its exports; texts from "sv.<name>.*" (title, lead, empty).
 */
export function ListingPage<P extends Paged>({
  name,
  fields,
  path,
  params,
  journal,
  list,
  before,
  filters,
  onPage,
  children,
}: {
  name: string;
  fields: FilterName[];
  path: string;
  params: string;
  /** The ledger journal's export (JSONL) beside CSV/XLSX, if the page has one. */
  journal?: string;
  list: Async<P>;
  before?: (data: P) => ReactNode;
  /** A page's own filter form instead of the shared FilterBar (with its own paging). */
  filters?: ReactNode;
  onPage?(page: number): void;
  children: (data: P) => ReactNode;
}) {
  const { t } = useI18n();
  const { set } = useFilters();
  return (
    <Page title={t(`sv.${name}.title`)}>
      <p className="lead">{t(`sv.${name}.lead`)}</p>
      {filters ?? <FilterBar fields={fields} />}
      <p className="muted small-text">{t('sv.zoneNote')}</p>
      <ListingCard id={`${name}-h`} title={t(`sv.${name}.title`)} actions={<ExportButtons path={path} params={params} journal={journal} />} list={list} empty={t(`sv.${name}.empty`)} onPage={onPage ?? ((page) => set({ page }, true))} before={before}>
        {children}
      </ListingCard>
    </Page>
  );
}
