/**
 * Users read every error in their language (#15: Russian by default, English switchable). This scans
 * the server code (apps/ and libs/, not the specs) with the TypeScript parser for what the types do
 * not hold by themselves, and shows on small sources that the scan catches each kind of offence:
 *  - a field error (`{ field, messages, ... }`) carries a code of the field-message table (rendered
 *    in either language) or its message in both languages (`messages: [en, ru]`);
 *  - every code a field error names is in the table, with each parameter its templates name;
 *  - every entry of an error table (`{ status, en, ru }`) has a Russian text that is Russian;
 *  - a refusal's detail (`new NodeError(code, detail)`, …) is never a bare string: bi(en, ru) or
 *    verbatim(value) (the AppError and AuthError types refuse a string too; see the type checks below);
 *  - the CLI's errors for people at a terminal (usage, unreadable input) carry their Russian text.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { FIELD_MESSAGES } from '@shekara/contracts';
import { NodeError, NodeErrorCode } from '@shekara/agency-node';
import { bi } from '@shekara/server';

const ROOT = join(__dirname, '..');
const ERROR_CLASSES = new Set(['NodeError', 'HandoverError', 'PersonsError', 'DataBankError', 'SupervisorError', 'AuthError']);
/** The CLI's errors for people at a terminal: (en, ru). */
const CLI_ERRORS = new Set(['UsageError', 'ClientsUsageError', 'ExportInputError', 'DbUsageError', 'ConformanceUsageError', 'RunError']);
const CYRILLIC = /[А-Яа-яЁё]/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'gen' || name === 'migrations') continue;
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function propName(p: ts.ObjectLiteralElementLike): string | undefined {
  if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) return undefined;
  return ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
}

function prop(o: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const p = o.properties.find((x) => propName(x) === name);
  return p && ts.isPropertyAssignment(p) ? p.initializer : undefined;
}

const isText = (e: ts.Expression | undefined): boolean => !!e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e));
const literal = (e: ts.Expression | undefined): string | undefined => (e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined);

/** The offences of one source text, each as "file:line: what". */
export function offences(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const at = (n: ts.Node, what: string) => out.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${what}`);
  const visit = (n: ts.Node): void => {
    if (ts.isObjectLiteralExpression(n)) {
      const names = new Set(n.properties.map(propName));
      // A field error: { field, messages, code?, params? }.
      if (names.has('field') && names.has('messages')) {
        const messages = prop(n, 'messages');
        const code = prop(n, 'code');
        const both = !!messages && ts.isArrayLiteralExpression(messages) && messages.elements.length === 2 && !messages.elements.some(ts.isSpreadElement);
        if (!names.has('code') && !both) at(n, 'a field error with neither a code nor its message in both languages');
        const name = literal(code);
        if (name !== undefined) {
          const entry = (FIELD_MESSAGES as Record<string, { en: string; ru: string } | undefined>)[name];
          if (!entry) at(n, `the field-error code ${name} is not in the field-message table (no Russian text)`);
          else {
            const wanted = new Set([...`${entry.en} ${entry.ru}`.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
            const params = prop(n, 'params');
            const given = new Set(params && ts.isObjectLiteralExpression(params) ? params.properties.map(propName) : []);
            const missing = [...wanted].filter((w) => !given.has(w));
            // A computed params object is taken on trust; a literal one must give what the template names.
            if (missing.length && (!params || ts.isObjectLiteralExpression(params))) at(n, `the field-error code ${name} needs the params ${missing.join(', ')}`);
          }
        }
      }
      // An entry of an error table: { status, en, ru }.
      if (names.has('status') && names.has('en') && names.has('ru')) {
        const en = literal(prop(n, 'en'));
        const ru = literal(prop(n, 'ru'));
        if (ru !== undefined && (!CYRILLIC.test(ru) || ru === en)) at(n, `an error-table entry whose Russian text is not Russian: ${JSON.stringify(ru)}`);
      }
    }
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && ERROR_CLASSES.has(n.expression.text)) {
      const detail = n.arguments?.[1];
      if (isText(detail)) at(n, `${n.expression.text} with a detail in one language (use bi(en, ru), or verbatim(value))`);
    }
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && CLI_ERRORS.has(n.expression.text)) {
      const ru = n.arguments?.[1];
      if (!ru || (isText(ru) && !CYRILLIC.test(ru.getText(sf)))) at(n, `${n.expression.text} without its Russian text`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('every user-facing error is bilingual', () => {
  it('the server code has no error text in one language only', () => {
    const found = [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))].flatMap((f) => offences(relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the scan catches each kind of offence (and passes what is right)', () => {
    const bad = `
      const a = { field: 'box', messages: ['box must be "in" or "out"'] };
      const b = { field: 'x', messages: ['x'], code: 'NOT_A_FIELD_CODE' };
      const c = { field: 'x', messages: ['x'], code: 'TOO_LONG' };
      const d = { status: 400, en: 'Nope.', ru: 'Nope.' };
      throw new NodeError(NodeErrorCode.ForbiddenRole, 'Only duty officers send reports.');
      throw new SupervisorError(SupervisorErrorCode.MessageNotFound, \`\${id}\`);
      throw new UsageError('--from is required');`;
    expect(offences('bad.ts', bad).map((o) => o.replace(/^bad\.ts:\d+: /, '').split(' ').slice(0, 4).join(' '))).toEqual([
      'a field error with',
      'the field-error code NOT_A_FIELD_CODE',
      'the field-error code TOO_LONG',
      'an error-table entry whose',
      'NodeError with a detail',
      'SupervisorError with a detail',
      'UsageError without its Russian',
    ]);
    const good = `
      const a = { field: 'box', messages: ['x'], code: 'ENUM', params: { values: 'in, out' } };
      const b = { field: 'x', messages: ['en', 'ру'] };
      const c = { field: 'x', messages: [m], code: c.code, params: c.params };
      const d = { status: 400, en: 'Nope.', ru: 'Нет.' };
      throw new NodeError(NodeErrorCode.ForbiddenRole, bi('Only duty officers send reports.', 'Донесения направляют только дежурные.'));
      throw new UsageError('--from is required', 'нужен параметр --from');`;
    expect(offences('good.ts', good)).toEqual([]);
  });

  it('a refusal answers its detail in the language asked for', () => {
    const e = new NodeError(NodeErrorCode.ForbiddenRole, bi('Only duty officers send reports.', 'Донесения направляют только дежурные.'));
    expect(e.body('ru').message).toBe('Ваша роль не допускает этого действия. Донесения направляют только дежурные.');
    expect(e.body('en').message).toBe('Your role does not allow this action. Only duty officers send reports.');
  });

  it('the types refuse a detail in one language (checked by tsc)', () => {
    // @ts-expect-error a bare string is not a detail: bi(en, ru) or verbatim(value)
    const e = new NodeError(NodeErrorCode.ForbiddenRole, 'Only duty officers send reports.');
    expect(e).toBeInstanceOf(NodeError);
    // @ts-expect-error a field error without a code needs its message in both languages
    const f = new NodeError(NodeErrorCode.InvalidBody, undefined, [{ field: 'x', messages: ['English only'] }]);
    expect(f).toBeInstanceOf(NodeError);
  });
});
