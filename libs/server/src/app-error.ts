import type { HttpStatus } from '@nestjs/common';
import { fieldMessage } from '@shekara/contracts';

/**
 * A field error the user can read in either language: a code of the field-message table (the
 * server and the consoles render it in the user's language, with `params`; `messages` hold the
 * English), or, without a code, its message in both languages (`[en, ru]`). A message in one
 * language only does not type-check.
 */
export type FieldError = CodedFieldError | BilingualFieldError;

export interface CodedFieldError {
  field: string;
  messages: string[];
  /** A code the consoles render in the user's language (with `params`). */
  code: string;
  params?: Record<string, string>;
}

export interface BilingualFieldError {
  field: string;
  /** The message in English and in Russian. */
  messages: [en: string, ru: string];
  code?: undefined;
  params?: undefined;
}

/** The languages user messages are written in (the consoles are Russian by default, English switchable). */
export type Language = 'ru' | 'en';

/** How one error code is answered: its HTTP status and its message to the user in each language. */
export type ErrorTable<C extends string> = Record<C, { status: HttpStatus; en: string; ru: string }>;

/**
 * The user's language from an Accept-Language header: Russian when Russian (or Kazakh, whose users
 * read Russian) comes before English, else English. The consoles send their UI language.
 */
export function requestLanguage(acceptLanguage: string | string[] | undefined): Language {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const tags = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag ?? '', weight: Number.isFinite(weight) ? weight : 0 };
    })
    .filter((t) => t.tag && t.weight > 0)
    .sort((a, b) => b.weight - a.weight);
  for (const { tag } of tags) {
    if (tag.startsWith('ru') || tag.startsWith('kk')) return 'ru';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** A text in both languages of the consoles (user-facing detail of an error). */
export interface Bilingual {
  en: string;
  ru: string;
}

/** A detail in both languages: `bi('Bound units: a, b.', 'Привязанные подразделения: a, b.')`. */
export function bi(en: string, ru: string): Bilingual {
  return { en, ru };
}

/**
 * A detail that is not prose but a value (ids, a state, a list of names), the same in both
 * languages: `verbatim(id)`. Prose in one language only is not accepted as a detail.
 */
export function verbatim(value: string): Bilingual {
  return { en: value, ru: value };
}

/**
 * Base of each module's single exception class: a code from the module's enum, mapped exhaustively
 * (by its table) to an HTTP status and a user message, with optional detail and field errors.
 */
export abstract class AppError<C extends string = string> extends Error {
  protected constructor(
    readonly code: C,
    private readonly table: ErrorTable<C>,
    /** More than the code's message says, in both languages (bi(), or verbatim() for a bare value). */
    readonly detail?: Bilingual,
    readonly fields?: FieldError[],
    /** Seconds the client should wait before trying again (sent as Retry-After: 429, 503). */
    readonly retryAfterS?: number,
  ) {
    super(detail ? `${table[code].en} ${detail.en}` : table[code].en);
  }

  get status(): HttpStatus {
    return this.table[this.code].status;
  }

  /** The response body: the code (consoles render it), and the message in the user's language. */
  body(language: Language = 'en'): Record<string, unknown> {
    const text = this.table[this.code][language];
    const message = this.detail ? `${text} ${this.detail[language]}` : text;
    return { statusCode: this.status, code: this.code, message, ...(this.fields ? { errors: this.fields.map((f) => localizeField(f, language)) } : {}) };
  }
}

/**
 * A field error with its message in `language`: English as written (it may say more than the
 * template), Russian from its code and params (as written when the code has no template).
 */
export function localizeField(f: FieldError, language: Language): FieldError {
  const text = f.code && language !== 'en' ? fieldMessage(f.code, f.params, f.field, language) : undefined;
  return text === undefined ? f : { ...f, messages: [text] } as FieldError;
}
