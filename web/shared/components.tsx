/** Small shared building blocks: time, statuses, paging, page frame with focus management, async data. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useI18n } from './i18n';
import { useSession } from './session';
import { formatInstant, fullInstant } from './time';
import type { DeliveryStatus } from './types';

/** An instant in the unit's zone; the full instant on hover. */
export function Time({ at, zone }: { at: string | Date | null | undefined; zone?: string }) {
  const session = useSession();
  if (!at) return <span>—</span>;
  const z = zone ?? session.zone;
  const iso = typeof at === 'string' ? at : at.toISOString();
  return (
    <time dateTime={iso} title={fullInstant(at, z)}>
      {formatInstant(at, z)}
    </time>
  );
}

export function StatusBadge({ status }: { status: DeliveryStatus | string }) {
  const { t } = useI18n();
  return <span className={`badge status-${status.toLowerCase()}`}>{t(`status.${status}`)}</span>;
}

/** The first page of a visit leaves the focus alone (Tab reaches the skip link first). */
let firstPage = true;

// The tab title: the page's, with a count in front while something waits for the officer ("(2) …").
let pageTitle = 'Shekara';
let titleCount = 0;
function showTitle(): void {
  document.title = titleCount > 0 ? `(${titleCount}) ${pageTitle}` : pageTitle;
}
/** Puts a count in front of the tab title (0: none), kept across pages. */
export function setTitleCount(n: number): void {
  titleCount = n;
  showTitle();
}

/** A page: its h1 receives focus after navigation so screen readers announce the new page. */
export function Page({ title, children, actions, narrow }: { title: string; children: ReactNode; actions?: ReactNode; narrow?: boolean }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    pageTitle = `${title} — Shekara`;
    showTitle();
    if (firstPage) {
      firstPage = false;
      return;
    }
    // Do not steal the focus from a field the officer is typing in.
    if (!document.activeElement || document.activeElement === document.body || !document.getElementById('main')?.contains(document.activeElement)) h1.current?.focus();
  }, [title]);
  return (
    <div className={narrow ? 'page narrow' : 'page'}>
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </div>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage(p: number): void }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← {t('pager.prev')}
      </button>
      <span aria-live="polite">{t('pager.page', { page, pages })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('pager.next')} →
      </button>
    </nav>
  );
}

export interface Async<T> {
  data: T | undefined;
  error: (Error & { status?: number }) | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads with fn whenever deps change; reload() refetches quietly (keeps the old data meanwhile). */
export function useAsync<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    fnRef.current(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, loading: false }),
      (error) => !ac.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  const { t } = useI18n();
  return (
    <div role="alert" className="error-box">
      <p>{t('app.error', { message: error.message })}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

/** Calls fn every ms while mounted (for countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
