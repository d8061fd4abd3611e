/**
 * What the browser tests share: Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by
 * playwright-core, the consoles built as they are in the tree, axe-core checks, screenshots in
 * test-artifacts/e2e/, and the keyboard-only sign-in. Without Chromium the tests fail; they never skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { builtForThisRun } from '../support/processes';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ROOT = resolve(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
export const PASSWORD = 'shekara-demo';
export const WAIT = { timeout: 20_000 };
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** The page's globals inside page.evaluate (the root tsconfig has no DOM library). */
export type BrowserGlobals = {
  axe?: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> };
  document: { activeElement: { tagName: string; id?: string; textContent?: string } | null; documentElement: { lang: string } };
};

/** Checks for Chromium, builds the consoles (scripts/build-web.sh: always test them as they are in the tree), makes the artifacts' folder. */
export function prepareConsoles(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH. The e2e test does not skip.`);
  }
  if (!builtForThisRun()) execFileSync('bash', ['scripts/build-web.sh'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** test-artifacts/e2e/<name>.png, the whole page. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Where a page was when a test ended (shows the place of a failure); never fails itself. */
export async function lastScreenshot(page: Page | undefined, name: string): Promise<void> {
  await page?.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => undefined);
}

/** Runs axe-core on the page; fails on serious or critical violations (WCAG 2.1 A/AA and best practices). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as BrowserGlobals;
    const r = await g.axe!.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) throw new Error(`axe on "${screen}": ${bad.length} serious/critical violation(s):\n${JSON.stringify(bad, null, 2)}`);
}

/** The focused element's id, else its text. */
export const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as unknown as BrowserGlobals).document.activeElement;
    return el?.id || el?.textContent || '';
  });

/** On a console's sign-in page, with the keyboard only: skip link, language switch, user name, password, Enter. */
export async function keyboardSignIn(page: Page, username: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('Перейти к содержимому');
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('English');
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
}

/** `tsc -p <project> --noEmit` in the repository: its output, '' when the project type-checks. */
export function typeCheck(project: string): string {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project, '--noEmit', '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

/** Signs in at a duty desk (`base`, the node's URL) with the demo password, and waits for its overview. */
export async function deskSignIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(base + '/');
  await page.getByLabel('Имя пользователя').fill(username);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('heading', { level: 1, name: 'Обстановка дежурной смены' }).waitFor(WAIT);
}
