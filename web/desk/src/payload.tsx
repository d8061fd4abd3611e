/** Read-only rendering of a report's proto JSON: labels from the dictionary, enums translated, instants in the zone. */
import { Time } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { DICTIONARY } from '@shared/dictionary';
import type { AttachmentJson, ReportPayloadJson } from '@shared/types';

/** Fields in the dictionary's order (which follows the proto's), unknown ones last. */
const ORDER = new Map(Object.keys(DICTIONARY).filter((k) => k.startsWith('f.')).map((k, i) => [k.slice(2), i]));
const rank = (k: string) => ORDER.get(k) ?? 10_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const ENUM = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

/** One field's value: any proto JSON value (the renderer walks the payload generically). */
function Value({ name, v }: { name: string; v: unknown }) {
  const { t, e, f } = useI18n();
  if (v === null || v === undefined) return <>—</>;
  if (typeof v === 'boolean') return <>{t(v ? 'msg.yes' : 'msg.no')}</>;
  if (typeof v === 'number') return <>{v}</>;
  if (typeof v === 'string') {
    if (INSTANT.test(v)) return <Time at={v} />;
    if (ENUM.test(v)) return <>{e(v)}</>;
    const d = LOCAL_DATE.exec(v);
    if (d) return <time dateTime={v}>{`${d[3]}.${d[2]}.${d[1]}`}</time>;
    return <span className="pre">{v}</span>;
  }
  if (name === 'attachments' && Array.isArray(v))
    return (
      <ul className="files">
        {(v as AttachmentJson[]).map((a, i) => (
          <li key={i}>
            <a href={`data:${a.mediaType};base64,${a.content}`} download={a.filename}>
              {a.filename}
            </a>{' '}
            <span className="muted">({a.mediaType})</span>
          </li>
        ))}
      </ul>
    );
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object')) return <>{v.map(String).join(', ')}</>;
    return (
      <ol className="payload-list">
        {v.map((x, i) => (
          <li key={i}>
            <Payload value={x} />
          </li>
        ))}
      </ol>
    );
  }
  return typeof v === 'object' ? <Payload value={v} nested={f(name)} /> : <>{String(v)}</>;
}

/** A message's payload: {"<case>": {...}} shown as the case's fields. */
export function PayloadOf({ payload }: { payload: ReportPayloadJson }) {
  const cases = Object.values(payload).filter((c) => c !== undefined);
  return cases.length === 1 && cases[0] && typeof cases[0] === 'object' ? <Payload value={cases[0]} /> : <Payload value={payload} />;
}

/** A proto JSON message as a definition list, fields in the proto's order. */
export function Payload({ value, nested }: { value: object | null; nested?: string }) {
  const { f } = useI18n();
  const entries = Object.entries(value ?? {}).sort(([a], [b]) => rank(a) - rank(b));
  return (
    <dl className={nested ? 'payload nested' : 'payload'}>
      {entries.map(([k, v]) => (
        <div key={k} className={typeof v === 'object' && v !== null ? 'block' : ''}>
          <dt>{f(k)}</dt>
          <dd>
            <Value name={k} v={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
