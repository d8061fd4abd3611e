/** Hand-rolled, accessible SVG charts and the rate figures (the SVG is an image with a text alternative and a data table). */
import { useId } from 'react';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { UnitName, dmy, hrefWith } from './common';
import type { Filters } from './common';
import { VERDICTS } from './types';
import type { Counts, RateRow, SeriesPoint } from './types';

export interface Sum {
  judged: number;
  onTime: number;
  rate: number | null;
  counts: Counts;
}

export function sumSeries(points: SeriesPoint[]): Sum {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Counts;
  let judged = 0;
  let onTime = 0;
  for (const p of points) {
    judged += p.judged;
    onTime += p.on_time;
    for (const v of VERDICTS) counts[v] += p.counts?.[v] ?? 0;
  }
  return { judged, onTime, rate: judged ? onTime / judged : null, counts };
}

export function pct(rate: number | null, lang: string): string {
  if (rate === null) return '—';
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

export function num(n: number, lang: string): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** The figures at a glance: on-time rate, judged, breaches, overdue now. */
export function Totals({ sum, overdue, overdueHref }: { sum: Sum; overdue?: number; overdueHref?: string }) {
  const { t, lang } = useI18n();
  const breaches = sum.counts.LATE + sum.counts.EARLY + sum.counts.MISSING + sum.counts.CONFIRMED_LATE + sum.counts.UNCONFIRMED;
  return (
    <ul className="figures">
      <li className={`figure ${rateClass(sum.rate)}`}>
        <span className="figure-value">{pct(sum.rate, lang)}</span>
        <span className="figure-label">{t('sv.rates.rate')}</span>
      </li>
      <li className="figure">
        <span className="figure-value">{num(sum.judged, lang)}</span>
        <span className="figure-label">{t('sv.rates.judged')}</span>
      </li>
      <li className="figure">
        <span className="figure-value">{num(breaches, lang)}</span>
        <span className="figure-label">{t('sv.rates.breaches')}</span>
      </li>
      <li className="figure">
        <span className="figure-value">{num(sum.counts.MISSING, lang)}</span>
        <span className="figure-label">{t('verdict.MISSING')}</span>
      </li>
      {overdue !== undefined && (
        <li className={`figure ${overdue ? 'figure-bad' : ''}`}>
          <span className="figure-value">{num(overdue, lang)}</span>
          <span className="figure-label">{overdueHref ? <Link to={overdueHref}>{t('sv.overdue.title')}</Link> : t('sv.overdue.title')}</span>
        </li>
      )}
    </ul>
  );
}

export function rateClass(rate: number | null): string {
  if (rate === null) return 'rate-none';
  return rate >= 0.95 ? 'rate-good' : rate >= 0.8 ? 'rate-fair' : 'rate-bad';
}

/** A rate as text and a bar (the bar is decoration; the text carries it). */
export function RateBar({ rate }: { rate: number | null }) {
  const { t, lang } = useI18n();
  return (
    <span className="rate">
      <span className="rate-text">{rate === null ? t('sv.rates.noData') : pct(rate, lang)}</span>
      <span className="rate-track" aria-hidden="true">
        <span className={`rate-fill ${rateClass(rate)}`} style={{ width: `${Math.round((rate ?? 0) * 100)}%` }} />
      </span>
    </span>
  );
}

type RateColumns = { onTime?: boolean; pending?: boolean };

/** The headings of a rate's columns: rate, judged, [on time], late (late, confirmed late, early), missing, unconfirmed, [pending]. */
export function RateHeads({ onTime, pending }: RateColumns) {
  const { t } = useI18n();
  const heads: [string, boolean | undefined][] = [
    ['sv.rates.judged', true],
    ['sv.rates.onTime', onTime],
    ['verdict.LATE', true],
    ['verdict.MISSING', true],
    ['verdict.UNCONFIRMED', true],
    ['verdict.PENDING', pending],
  ];
  return (
    <>
      <th scope="col">{t('sv.rates.rate')}</th>
      {heads
        .filter(([, shown]) => shown)
        .map(([key]) => (
          <th key={key} scope="col" className="num">
            {t(key)}
          </th>
        ))}
    </>
  );
}

/** The cells under RateHeads. */
export function RateCells({ s, onTime, pending }: { s: Sum } & RateColumns) {
  const { lang } = useI18n();
  const c = s.counts;
  const figures: [string, number, boolean | undefined][] = [
    ['judged', s.judged, true],
    ['onTime', s.onTime, onTime],
    ['late', c.LATE + c.CONFIRMED_LATE + c.EARLY, true],
    ['missing', c.MISSING, true],
    ['unconfirmed', c.UNCONFIRMED, true],
    ['pending', c.PENDING, pending],
  ];
  return (
    <>
      <td>
        <RateBar rate={s.rate} />
      </td>
      {figures
        .filter(([, , shown]) => shown)
        .map(([key, n]) => (
          <td key={key} className="num">
            {num(n, lang)}
          </td>
        ))}
    </>
  );
}

export function RatesTable({ rows, filters, caption }: { rows: RateRow[]; filters: Filters; caption: string }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="rates">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('sv.heat.unit')}</th>
            <th scope="col">{t('sv.f.agency')}</th>
            <RateHeads pending />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.unit} data-unit={r.unit}>
              <th scope="row">
                <UnitName id={r.unit} link={hrefWith('/verdicts', filters, { unit: r.unit, agency: undefined, level: undefined, region: undefined })} />
              </th>
              <td>{t(`agencyShort.${r.agency}`)}</td>
              <RateCells s={{ ...r, onTime: r.on_time }} pending />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface Line {
  key: string;
  label: string;
  points: SeriesPoint[];
}

const COLORS = ['#0b3d5c', '#a4161a', '#17603a', '#7a4b00'];
const DASH = ['', '6 3', '2 3', '10 3 2 3'];

/**
 * A line chart of on-time rates (0–100 %) per bucket: an SVG image with a title and a description
 * for screen readers, distinct colours and dash patterns per line (not colour alone), and the data
 * as a table beneath.
 */
export function RateChart({ lines, title, compact }: { lines: Line[]; title: string; compact?: boolean }) {
  const { t, lang } = useI18n();
  const id = useId();
  const starts = lines[0]?.points.map((p) => p.start) ?? [];
  const W = 900;
  const H = compact ? 220 : 300;
  const pad = { l: 48, r: 34, t: 16, b: 40 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const x = (i: number) => pad.l + (starts.length <= 1 ? iw / 2 : (i * iw) / (starts.length - 1));
  const y = (r: number) => pad.t + ih * (1 - r);
  const every = Math.max(1, Math.ceil(starts.length / 12));
  const judged = lines.some((l) => l.points.some((p) => p.judged > 0));
  const desc = lines
    .map((l) => {
      const s = sumSeries(l.points);
      return `${l.label}: ${pct(s.rate, lang)} (${num(s.onTime, lang)}/${num(s.judged, lang)})`;
    })
    .join('; ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {[0, 0.25, 0.5, 0.75, 1].map((g) => (
          <g key={g}>
            <line x1={pad.l} x2={W - pad.r} y1={y(g)} y2={y(g)} className="grid-line" />
            <text x={pad.l - 6} y={y(g) + 4} textAnchor="end" className="axis">
              {Math.round(g * 100)}%
            </text>
          </g>
        ))}
        {starts.map((s, i) =>
          i % every === 0 ? (
            <text key={s} x={x(i)} y={H - pad.b + 18} textAnchor="middle" className="axis">
              {dmy(s).slice(0, 5)}
            </text>
          ) : null,
        )}
        {lines.map((l, li) => {
          // Buckets with nothing judged break the line (no rate to draw).
          const segs: string[] = [];
          let cur = '';
          l.points.forEach((p, i) => {
            if (p.rate === null) {
              if (cur) segs.push(cur);
              cur = '';
              return;
            }
            cur += `${cur ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.rate).toFixed(1)}`;
          });
          if (cur) segs.push(cur);
          const color = COLORS[li % COLORS.length];
          return (
            <g key={l.key} className="series">
              {segs.map((d, k) => (
                <path key={k} d={d} fill="none" stroke={color} strokeWidth={2.5} strokeDasharray={DASH[li % DASH.length] || undefined} />
              ))}
              {l.points.map((p, i) =>
                p.rate === null ? null : <circle key={p.start} cx={x(i)} cy={y(p.rate)} r={3.5} fill={color} />,
              )}
            </g>
          );
        })}
        {!judged && (
          <text x={W / 2} y={H / 2} textAnchor="middle" className="axis">
            {t('sv.trend.noPoints')}
          </text>
        )}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {lines.map((l, li) => (
            <li key={l.key}>
              <svg width="28" height="10" aria-hidden="true">
                <line x1="0" x2="28" y1="5" y2="5" stroke={COLORS[li % COLORS.length]} strokeWidth="3" strokeDasharray={DASH[li % DASH.length] || undefined} />
              </svg>
              {l.label}: <strong>{pct(sumSeries(l.points).rate, lang)}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
      {!compact && (
        <details className="chart-data">
          <summary>{t('sv.trend.table')}</summary>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sv.trend.start')}</th>
                  {lines.map((l) => (
                    <th scope="col" key={l.key}>
                      {l.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {starts.map((s, i) => (
                  <tr key={s}>
                    <th scope="row">{dmy(s)}</th>
                    {lines.map((l) => (
                      <td key={l.key}>
                        {pct(l.points[i]?.rate ?? null, lang)} <span className="muted">({num(l.points[i]?.on_time ?? 0, lang)}/{num(l.points[i]?.judged ?? 0, lang)})</span>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </figure>
  );
}
