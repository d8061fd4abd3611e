import { HttpStatus } from '@nestjs/common';
import { AppError, requestLanguage } from './app-error';
import type { Bilingual, ErrorTable } from './app-error';
import { bi } from './app-error';

enum Code {
  Nope = 'NOPE',
}
const TABLE: ErrorTable<Code> = { [Code.Nope]: { status: HttpStatus.BAD_REQUEST, en: 'Nope.', ru: 'Нет.' } };
class TestError extends AppError<Code> {
  constructor(detail?: Bilingual) {
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
    const e = new TestError(bi('(x)', '(х)'));
    expect(e.body('ru')).toEqual({ statusCode: 400, code: 'NOPE', message: 'Нет. (х)' });
    expect(e.body('en')).toEqual({ statusCode: 400, code: 'NOPE', message: 'Nope. (x)' });
    expect(e.message).toBe('Nope. (x)');
  });
});

describe('field errors in the user language', () => {
  class FieldsError extends AppError<Code> {
    constructor() {
      super(Code.Nope, TABLE, undefined, [
        { field: 'urgent.checkpointId', code: 'CHECKPOINT_ID', messages: ['checkpointId must be a checkpoint id like "CP-CN-A-01"'] },
        { field: 'x', code: 'NOT_A_CODE', messages: ['as written'] },
      ]);
    }
  }
  it('Russian from the code, English as written; an unknown code keeps its message', () => {
    const ru = new FieldsError().body('ru').errors as { messages: string[] }[];
    expect(ru.map((e) => e.messages[0])).toEqual(['urgent.checkpointId: должно быть кодом пункта пропуска вида «CP-CN-A-01»', 'as written']);
    const en = new FieldsError().body('en').errors as { messages: string[] }[];
    expect(en.map((e) => e.messages[0])).toEqual(['checkpointId must be a checkpoint id like "CP-CN-A-01"', 'as written']);
  });
});
