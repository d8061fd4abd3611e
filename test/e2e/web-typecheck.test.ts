/**
 * The web consoles have their own tsconfig (DOM, JSX) outside the root type check, and Vite does
 * not type-check: this keeps `tsc -p web` part of the suite.
 */
import { typeCheck } from './browser';

jest.setTimeout(120_000);

it('web/ (the consoles) type-checks', () => {
  expect(typeCheck('web')).toBe('');
});
