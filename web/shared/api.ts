/** The agency node's HTTP API (same origin), a bearer token kept for the browser tab, and live events. */
import { useEffect, useRef } from 'react';
import type { LiveEvent } from './types';

const TOKEN = 'shekara.token';

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN);
}
export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN, token);
  else sessionStorage.removeItem(TOKEN);
  window.dispatchEvent(new Event('shekara:token'));
}

export interface FieldError {
  field: string;
  messages: string[];
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
  /** Field errors keyed by their dotted path ("urgent.detainedMigrants.persons.0.dateOfBirth"). */
  byField(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.errors) (out[e.field] ??= []).push(...e.messages);
    return out;
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const token = getToken();
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    signal: init.signal,
    headers: {
      accept: 'application/json',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    if (res.status === 401 && token && !path.startsWith('/api/auth/')) setToken(null);
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
  const token = getToken();
  if (source && sourceToken === token) return;
  source?.close();
  source = null;
  setUp(false);
  if (!token || !listeners.size) return;
  sourceToken = token;
  // EventSource sends "Accept: text/event-stream", which lets the node take the token from the query.
  source = new EventSource(`/api/messages/events?access_token=${encodeURIComponent(token)}`);
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
