import { HttpStatus } from '@nestjs/common';
import { AppError, requestLanguage } from './app-error';
import type { ErrorTable } from './app-error';

enum Code {
  Nope = 'NOPE',
}
const TABLE: ErrorTable<Code> = { [Code.Nope]: { status: HttpStatus.BAD_REQUEST, en: 'Nope.', ru: 'Нет.' } };
class TestError extends AppError<Code> {
  constructor(detail?: string) {
    super(Code.Nope, TABLE, detail);
  }
}

describe('requestLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['ru', 'ru'],
    ['ru-RU,ru;q=0.9,en;q=0.8', 'ru'],
    ['kk-KZ', 'ru'],
    ['en-US,en;q=0.9,ru;q=0.8', 'en'],
    ['en;q=0.5,ru;q=0.9', 'ru'],
    ['de,fr', 'en'],
    ['ru;q=0', 'en'],
  ])('%s -> %s', (header, lang) => expect(requestLanguage(header)).toBe(lang));
});

describe('AppError.body', () => {
  it('answers in the user language with the same code, detail appended', () => {
    const e = new TestError('(x)');
    expect(e.body('ru')).toEqual({ statusCode: 400, code: 'NOPE', message: 'Нет. (x)' });
    expect(e.body('en')).toEqual({ statusCode: 400, code: 'NOPE', message: 'Nope. (x)' });
    expect(e.message).toBe('Nope. (x)');
  });
});
