/**
 * The node's HTTP API (same origin) and live events. The access token is short and kept in memory;
 * the sign-in itself is a session in an httpOnly cookie shared by every tab of the browser, from which
 * each tab takes (and renews) its token with POST /api/auth/refresh.
 */
import { useEffect, useRef } from 'react';
import type { LiveEvent } from './types';

let token: string | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;

export function getToken(): string | null {
  return token;
}
export function setToken(value: string | null, expiresInS?: number): void {
  token = value;
  clearTimeout(renewTimer);
  // Renew a minute before the token ends (at half its life for short ones), while the session lasts.
  if (value && expiresInS) renewTimer = setTimeout(() => void refreshToken(), Math.max(5, Math.min(expiresInS - 60, expiresInS / 2)) * 1000);
  window.dispatchEvent(new Event('shekara:token'));
}

interface Grant {
  accessToken: string;
  expiresIn: number;
}

let refreshing: Promise<boolean> | null = null;

/** Takes a token from the browser's session (cookie); false when there is none (sign in). */
export function refreshToken(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/auth/refresh', { method: 'POST', headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) {
        setToken(null);
        return false;
      }
      const g = (await res.json()) as Grant;
      setToken(g.accessToken, g.expiresIn);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signIn(username: string, password: string): Promise<void> {
  const g = await api<Grant>('/api/auth/login', { method: 'POST', body: { username, password } });
  setToken(g.accessToken, g.expiresIn);
}

/** Ends the session for every tab of the browser. */
export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin', headers: token ? { authorization: `Bearer ${token}` } : {} }).catch(() => undefined);
  setToken(null);
}

export interface FieldError {
  field: string;
  /** The server's messages (in the language asked for). */
  messages: string[];
  /** What is wrong, with the values it names: the consoles render it (field-errors.ts). */
  code?: string;
  params?: Record<string, string>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
  /**
   * Field errors keyed by their dotted path ("urgent.detainedMigrants.persons.0.dateOfBirth"), each
   * as `text` renders it (fieldErrorText: from its code in the user's language), else as sent.
   */
  byField(text: (e: FieldError) => string[] = (e) => e.messages): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.errors) (out[e.field] ??= []).push(...text(e));
    return out;
  }
}

/**
 * A call of the node's API. `body`: JSON; `raw`: bytes sent as they are (a file upload). Answers the
 * JSON, or with `blob` the bytes (a download). A refusal throws ApiError.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; raw?: Blob; blob?: boolean; signal?: AbortSignal } = {}, retried = false): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    signal: init.signal,
    headers: {
      accept: init.blob ? '*/*' : 'application/json',
      // The server answers its messages in the console's language (the same key the I18nProvider keeps).
      'accept-language': localStorage.getItem('shekara.lang') === 'en' ? 'en' : 'ru',
      ...(init.raw !== undefined ? { 'content-type': 'application/octet-stream' } : init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  if (res.ok && init.blob) return (await res.blob()) as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    // An expired token: renew it from the session once and try again; no session: back to sign-in.
    if (res.status === 401 && token && !path.startsWith('/api/auth/') && !retried && (await refreshToken())) return api<T>(path, init, true);
    // The error body of every Shekara API: {code, message, errors?: FieldError[]}; anything else keeps the HTTP status.
    const err = json !== null && typeof json === 'object' ? (json as { code?: unknown; message?: unknown; errors?: unknown }) : {};
    throw new ApiError(
      res.status,
      typeof err.code === 'string' ? err.code : String(res.status),
      typeof err.message === 'string' ? err.message : res.statusText,
      Array.isArray(err.errors) ? (err.errors as FieldError[]) : [],
    );
  }
  return json as T;
}

/** Downloads a file of the API (with the token) and hands it to the browser under `filename`. */
export async function downloadFile(path: string, filename: string): Promise<void> {
  saveBlob(await api<Blob>(path, { blob: true }), filename);
}

/** Hands bytes to the browser as a file download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Builds "?a=1&b=2" from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// --- live events: one EventSource per tab, shared by every subscriber.
type Listener = (e: LiveEvent) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(up: boolean) => void>();
let source: EventSource | null = null;
let sourceToken: string | null = null;
let up = false;

function setUp(v: boolean) {
  up = v;
  for (const l of stateListeners) l(v);
}

function ensureSource() {
  if (source && sourceToken === token) return;
  source?.close();
  source = null;
  setUp(false);
  if (!token || !listeners.size) return;
  sourceToken = token;
  // EventSource cannot send a header: the node takes the session cookie for the event stream.
  source = new EventSource('/api/messages/events');
  source.onopen = () => setUp(true);
  source.onerror = () => setUp(false);
  source.onmessage = (m) => {
    try {
      const e = JSON.parse(m.data) as LiveEvent;
      for (const l of listeners) l(e);
    } catch {
      /* ignore malformed */
    }
  };
}

window.addEventListener('shekara:token', () => ensureSource());

/** Calls handler for every live event while mounted. */
export function useLiveEvents(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    ensureSource();
    return () => {
      listeners.delete(l);
    };
  }, []);
}

export function onLiveState(cb: (up: boolean) => void): () => void {
  stateListeners.add(cb);
  cb(up);
  return () => stateListeners.delete(cb);
}

export function closeLive(): void {
  source?.close();
  source = null;
  sourceToken = null;
  setUp(false);
}
