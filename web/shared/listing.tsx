/** A paged listing in a card: its heading and actions (exports), then the error, "loading", the empty note, or the table and the pager. */
import type { ReactNode } from 'react';
import { ErrorBox, Loading, Pager } from './components';
import type { Async } from './components';

export interface Paged {
  items: unknown[];
  page: number;
  pageSize: number;
  total: number;
}

export function ListingCard<P extends Paged>({
  id,
  title,
  actions,
  list,
  empty,
  onPage,
  before,
  children,
}: {
  /** The heading's id (the section is labelled by it). */
  id: string;
  title: string;
  actions?: ReactNode;
  list: Async<P>;
  empty: string;
  onPage(page: number): void;
  /** Notes above the table. */
  before?: (data: P) => ReactNode;
  /** The table. */
  children: (data: P) => ReactNode;
}) {
  const { data, error, loading, reload } = list;
  return (
    <section className="card" aria-labelledby={id}>
      <div className="section-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {error ? (
        <ErrorBox error={error} retry={reload} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <div aria-busy={loading}>
          {before?.(data)}
          <div className="table-wrap">{children(data)}</div>
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={onPage} />
        </div>
      )}
    </section>
  );
}
