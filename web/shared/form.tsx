/**
 * Forms bound to a proto-JSON request body by dotted paths ("urgent.detainedMigrants.persons.0.surname").
 * The same paths key the errors: client-side required checks and the server's 400 field errors land
 * next to the same inputs.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ChangeEvent, ReactNode } from 'react';
import { useI18n } from './i18n';
import { fromZonedInput, toZonedInput } from './time';
import type { AttachmentJson } from './types';

export type Errors = Record<string, string[]>;
/**
 * A proto JSON body while it is edited (a SendMessageRequestJson and its parts): JSON whose fields
 * may be absent (undefined = not set; prune() drops them before sending).
 */
export type FormValue = string | number | boolean | null | undefined | FormValue[] | FormObject;
export type FormObject = { [k: string]: FormValue };

/** The child `seg` of a JSON value (an array index or an object key), undefined if there is none. */
function child(v: FormValue, seg: string): FormValue {
  if (Array.isArray(v)) return /^\d+$/.test(seg) ? v[Number(seg)] : undefined;
  return v !== null && typeof v === 'object' ? v[seg] : undefined;
}

export function getPath(obj: FormValue, path: string): FormValue {
  let cur = obj;
  for (const seg of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    cur = child(cur, seg);
  }
  return cur;
}

/** A copy of `obj` with `value` at `path` (undefined removes it); missing containers are created. */
export function setPath(obj: FormValue, path: string, value: FormValue): FormValue[] | FormObject {
  const [head, ...rest] = path.split('.');
  const next = rest.length ? setPath(child(obj, head), rest.join('.'), value) : value;
  if (Array.isArray(obj) || (obj == null && /^\d+$/.test(head))) {
    const copy: FormValue[] = Array.isArray(obj) ? [...obj] : [];
    copy[Number(head)] = next;
    return copy;
  }
  const copy: FormObject = obj !== null && typeof obj === 'object' ? { ...obj } : {};
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

/** Drops empty strings, nulls, empty arrays and empty objects (proto JSON defaults). */
export function prune(v: FormValue): FormValue {
  if (Array.isArray(v)) {
    const a = v.map(prune).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const o: FormObject = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined) o[k] = p;
    }
    return Object.keys(o).length ? o : undefined;
  }
  if (v === '' || v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return undefined;
  return v;
}

export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

interface FormCtx {
  value: FormObject;
  /**
   * The value at a dotted path of the proto JSON body. The caller names the JSON type the path holds
   * (the paths are SendMessageRequestJson's); absent fields are undefined.
   */
  get<T extends FormValue = FormValue>(path: string): T | undefined;
  set(path: string, v: FormValue): void;
  errors: Errors;
  zone: string;
  register(path: string, required: boolean, maxLength?: number): () => void;
}
const Ctx = createContext<FormCtx | null>(null);

export function useForm(initial: () => FormObject, zone: string) {
  const [value, setValue] = useState<FormObject>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const registered = useRef(new Map<string, { required: boolean; maxLength?: number }>());
  const set = useCallback((path: string, v: FormValue) => {
    setValue((cur) => setPath(cur, path, v) as FormObject); // a dotted path of names keeps an object an object
    setErrors((cur) => {
      if (!cur[path]) return cur;
      const next = { ...cur };
      delete next[path];
      return next;
    });
  }, []);
  const register = useCallback((path: string, required: boolean, maxLength?: number) => {
    registered.current.set(path, { required, maxLength });
    return () => {
      registered.current.delete(path);
    };
  }, []);
  const ctx = useMemo<FormCtx>(() => ({ value, get: <T extends FormValue>(p: string) => getPath(value, p) as T | undefined, set, errors, zone, register }), [value, set, errors, zone, register]);
  /** The required fields that are empty, and the texts longer than their limit (`tooLong`), keyed by path. */
  const missing = useCallback(
    (message: string, tooLong?: (length: number, max: number) => string): Errors => {
      const out: Errors = {};
      for (const [path, { required, maxLength }] of registered.current) {
        const v = getPath(value, path);
        if (required && (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length))) out[path] = [message];
        else if (tooLong && maxLength !== undefined && typeof v === 'string' && v.length > maxLength) out[path] = [tooLong(v.length, maxLength)];
      }
      return out;
    },
    [value],
  );
  const isRendered = useCallback((path: string) => registered.current.has(path), []);
  return { value, setValue, errors, setErrors, ctx, missing, isRendered };
}

export function FormProvider({ ctx, children }: { ctx: FormCtx; children: ReactNode }) {
  return <Ctx.Provider value={ctx}>{children}</Ctx.Provider>;
}

export function useFormCtx(): FormCtx {
  const v = useContext(Ctx);
  if (!v) throw new Error('field outside a form');
  return v;
}

function lastName(path: string): string {
  const segs = path.split('.').filter((s) => !/^\d+$/.test(s));
  return segs[segs.length - 1];
}

interface BaseProps {
  path: string;
  label?: string;
  required?: boolean;
  hint?: string;
  className?: string;
}

/** Label, hint and errors around one control; wires ids and aria attributes. */
function useField({ path, label, required, hint }: BaseProps, maxLength?: number) {
  const form = useFormCtx();
  const { f, t } = useI18n();
  const id = fieldId(path);
  useEffect(() => form.register(path, !!required, maxLength), [form.register, path, required, maxLength]); // eslint-disable-line react-hooks/exhaustive-deps
  const errs = form.errors[path];
  const describedBy = [hint ? `${id}-hint` : '', errs ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  const text = label ?? f(lastName(path));
  const labelNode = (
    <>
      {text}
      {required && (
        <span className="req" aria-hidden="true">
          {' '}*
        </span>
      )}
    </>
  );
  const after = (
    <>
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {errs && (
        <span id={`${id}-err`} className="field-error">
          {errs.join('; ')}
        </span>
      )}
    </>
  );
  const aria = { id, 'aria-invalid': errs ? true : undefined, 'aria-describedby': describedBy, 'aria-required': required || undefined } as const;
  return { form, id, aria, labelNode, after, t, text };
}

/**
 * A text field. A long text (multiline) is not cut at its limit (a paste would lose its end without a
 * word): it shows how many characters are left, says so clearly when over, and the form refuses to send.
 */
export function TextField(props: BaseProps & { multiline?: boolean; rows?: number; maxLength?: number; upper?: boolean; placeholder?: string; autoComplete?: string }) {
  const { form, id, aria, labelNode, after, t } = useField(props, props.maxLength);
  const v = form.get<string>(props.path) ?? '';
  const on = (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => form.set(props.path, props.upper ? e.target.value.toUpperCase() : e.target.value);
  const max = props.maxLength;
  const over = props.multiline && max !== undefined && v.length > max;
  return (
    <div className={`field ${props.multiline ? 'wide' : ''} ${props.className ?? ''}`}>
      <label htmlFor={id}>{labelNode}</label>
      {props.multiline ? (
        <>
          <textarea {...aria} aria-invalid={aria['aria-invalid'] || over || undefined} value={v} onChange={on} rows={props.rows ?? 3} />
          {max !== undefined && (v.length > max * 0.8 || over) && (
            <span className={over ? 'field-error counter' : 'hint counter'} role={over ? 'alert' : undefined} data-testid={`${id}-counter`}>
              {over ? t('form.tooLong', { n: v.length, max }) : t('form.left', { n: max - v.length, max })}
            </span>
          )}
        </>
      ) : (
        <input {...aria} type="text" value={v} onChange={on} maxLength={props.maxLength} placeholder={props.placeholder} autoComplete={props.autoComplete ?? 'off'} />
      )}
      {after}
    </div>
  );
}

/** ISO 3166-1 alpha-3 code. */
export function StateField(props: BaseProps) {
  const { t } = useI18n();
  return <TextField {...props} upper maxLength={3} hint={props.hint ?? t('compose.alpha3')} className="short" />;
}

export function NumberField(props: BaseProps & { min?: number; max?: number }) {
  const { form, aria, labelNode, after, id } = useField(props);
  const v = form.get<number>(props.path);
  return (
    <div className={`field short ${props.className ?? ''}`}>
      <label htmlFor={id}>{labelNode}</label>
      <input
        {...aria}
        type="number"
        inputMode="numeric"
        min={props.min ?? 0}
        max={props.max}
        step={1}
        value={v ?? ''}
        onChange={(e) => form.set(props.path, e.target.value === '' ? undefined : Number(e.target.value))}
      />
      {after}
    </div>
  );
}

export function SelectField(props: BaseProps & { options: readonly string[]; optionLabel?: (v: string) => string; onChangeValue?: (v: string) => void }) {
  const { form, aria, labelNode, after, id, t } = useField(props);
  const { e } = useI18n();
  const v = form.get<string>(props.path) ?? '';
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={id}>{labelNode}</label>
      <select
        {...aria}
        value={v}
        onChange={(ev) => {
          form.set(props.path, ev.target.value || undefined);
          props.onChangeValue?.(ev.target.value);
        }}
      >
        <option value="">{t('compose.none')}</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.optionLabel ? props.optionLabel(o) : e(o)}
          </option>
        ))}
      </select>
      {after}
    </div>
  );
}

export function DateField(props: BaseProps & { type?: 'date' | 'month' }) {
  const { form, aria, labelNode, after, id } = useField(props);
  return (
    <div className={`field short ${props.className ?? ''}`}>
      <label htmlFor={id}>{labelNode}</label>
      <input {...aria} type={props.type ?? 'date'} value={form.get<string>(props.path) ?? ''} onChange={(e) => form.set(props.path, e.target.value || undefined)} />
      {after}
    </div>
  );
}

/** An instant entered as local wall time in the unit's zone; stored as RFC 3339 UTC. */
export function DateTimeField(props: BaseProps) {
  const { t } = useI18n();
  const form = useFormCtx();
  const hint = props.hint ?? t('compose.zoneHint', { zone: form.zone });
  const { aria, labelNode, after, id } = useField({ ...props, hint });
  const stored = form.get<string>(props.path);
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={id}>{labelNode}</label>
      <input {...aria} type="datetime-local" value={toZonedInput(stored, form.zone)} onChange={(e) => form.set(props.path, fromZonedInput(e.target.value, form.zone) ?? undefined)} />
      {after}
    </div>
  );
}

export function CheckboxField(props: BaseProps) {
  const { form, aria, after, id, text } = useField(props);
  return (
    <div className={`field check ${props.className ?? ''}`}>
      <input {...aria} type="checkbox" checked={!!form.get(props.path)} onChange={(e) => form.set(props.path, e.target.checked)} />
      <label htmlFor={id}>{text}</label>
      {after}
    </div>
  );
}

/** A repeated message: one fieldset per item, add/remove buttons; errors on the list itself shown on top. */
export function ListField({ path, item, min = 0, max = 100, newItem = () => ({}), render, legend }: { path: string; item: string; min?: number; max?: number; newItem?: () => FormValue; render(prefix: string, i: number): ReactNode; legend?: string }) {
  const form = useFormCtx();
  const { f, t } = useI18n();
  const items = form.get<FormValue[]>(path) ?? [];
  const errs = form.errors[path];
  const id = fieldId(path);
  const itemName = f(item);
  // Focus moves into an item the officer has just added (its first field).
  const added = useRef<number | null>(null);
  const itemEls = useRef<(HTMLFieldSetElement | null)[]>([]);
  useEffect(() => {
    if (added.current === null) return;
    itemEls.current[added.current]?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    added.current = null;
  }, [items.length]);
  return (
    <fieldset className="list" id={id} aria-describedby={errs ? `${id}-err` : undefined}>
      <legend>{legend ?? f(lastName(path))}</legend>
      {errs && (
        <p id={`${id}-err`} className="field-error">
          {errs.join('; ')}
        </p>
      )}
      {items.map((_, i) => (
        <fieldset
          key={i}
          className="item"
          ref={(el) => {
            itemEls.current[i] = el;
          }}
        >
          <legend>{t('compose.item', { what: itemName, n: i + 1 })}</legend>
          <div className="grid">{render(`${path}.${i}`, i)}</div>
          {items.length > min && (
            <button
              type="button"
              className="secondary small"
              onClick={() =>
                form.set(
                  path,
                  items.filter((__, j) => j !== i),
                )
              }
            >
              {t('compose.remove', { what: itemName.toLowerCase(), n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {items.length < max && (
        <button
          type="button"
          className="secondary small"
          onClick={() => {
            added.current = items.length;
            form.set(path, [...items, newItem()]);
          }}
        >
          + {t('compose.add', { what: itemName.toLowerCase() })}
        </button>
      )}
    </fieldset>
  );
}

export const MAX_ATTACHMENT_BYTES = 1048576;
export const MAX_ATTACHMENTS = 10;

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function sizeLabel(base64: string): string {
  const n = Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
  return n >= 1024 ? `${(n / 1024).toFixed(n >= 10240 ? 0 : 1)} KiB` : `${n} B`;
}

/** Attachment list: files → {filename, mediaType, content (base64)}, the contract's limits enforced. */
export function AttachmentsField({ path }: { path: string }) {
  const form = useFormCtx();
  const { t } = useI18n();
  const [local, setLocal] = useState<string | null>(null);
  const id = fieldId(path);
  const items = form.get<AttachmentJson[]>(path) ?? [];
  const errs = [...(local ? [local] : []), ...Object.entries(form.errors).filter(([k]) => k === path || k.startsWith(`${path}.`)).flatMap(([k, m]) => (k === path ? m : m.map((x) => `${k.slice(path.length + 1)}: ${x}`)))];
  const add = async (files: FileList | null) => {
    setLocal(null);
    if (!files) return;
    const next = [...items];
    for (const file of Array.from(files)) {
      if (next.length >= MAX_ATTACHMENTS) {
        setLocal(t('compose.attachTooMany'));
        break;
      }
      if (file.size > MAX_ATTACHMENT_BYTES || file.size === 0) {
        setLocal(t('compose.attachTooBig', { name: file.name }));
        continue;
      }
      next.push({ filename: file.name.replace(/[/\\]/g, '_').slice(0, 255), mediaType: file.type || 'application/octet-stream', content: toBase64(await file.arrayBuffer()) });
    }
    form.set(path, next);
  };
  return (
    <div className="field wide attachments">
      <label htmlFor={id}>{t('compose.attachments')}</label>
      <input id={id} type="file" multiple aria-describedby={`${id}-hint${errs.length ? ` ${id}-err` : ''}`} aria-invalid={errs.length ? true : undefined} onChange={(e) => void add(e.target.files).then(() => (e.target.value = ''))} />
      <span id={`${id}-hint`} className="hint">
        {t('compose.attachHint')}
      </span>
      {errs.length > 0 && (
        <span id={`${id}-err`} className="field-error">
          {errs.join('; ')}
        </span>
      )}
      {items.length > 0 && (
        <ul className="files">
          {items.map((a, i) => (
            <li key={i}>
              {a.filename} <span className="muted">({a.mediaType}, {sizeLabel(a.content ?? '')})</span>{' '}
              <button type="button" className="link" aria-label={t('compose.attachRemove', { name: a.filename ?? '' })} onClick={() => form.set(path, items.filter((_, j) => j !== i))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** All errors at the top of the form, each linking to its field when the field is on screen. */
export function ErrorSummary({ errors, isRendered, title }: { errors: Errors; isRendered(path: string): boolean; title: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const { f } = useI18n();
  const entries = Object.entries(errors);
  useEffect(() => {
    if (entries.length) ref.current?.focus();
  }, [errors]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!entries.length) return null;
  const labelOf = (path: string) =>
    path
      .split('.')
      .map((s) => (/^\d+$/.test(s) ? `${Number(s) + 1}` : f(s)))
      .join(' › ');
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2>{title}</h2>
      <ul>
        {entries.map(([path, msgs]) => (
          <li key={path}>
            {isRendered(path) || document.getElementById(fieldId(path)) ? <a href={`#${fieldId(path)}`} onClick={(e) => { e.preventDefault(); document.getElementById(fieldId(path))?.focus(); }}>{labelOf(path)}</a> : <span>{path ? labelOf(path) : '—'}</span>}: {msgs.join('; ')}
          </li>
        ))}
      </ul>
    </div>
  );
}
