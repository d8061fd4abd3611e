import { PassThrough } from 'node:stream';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_USAGE, main } from '../main';
import { BusUsageError, parseBusArgs } from './command';

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdout, stderr, now: () => new Date(0) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('shekara bus', () => {
  it('parses provision and check', () => {
    const p = parseBusArgs(['provision', '--topology', 'config/bus.json', '--out=var/bus', '--rotate']);
    expect(p.sub).toBe('provision');
    expect(p.values.get('out')).toBe('var/bus');
    expect(p.flags.has('rotate')).toBe(true);
    expect(parseBusArgs(['check', '--bus', 'var/bus', '--forbidden-only']).flags.has('forbidden-only')).toBe(true);
  });

  it.each([
    [['frobnicate'], /unknown bus command/],
    [['provision', '--out', 'x'], /--topology is required/],
    [['provision', '--topology', 'a', '--out', 'b', '--json'], /--json is not an option of bus provision/],
    [['check'], /--bus is required/],
    [['check', '--bus', 'x', '--rotate'], /--rotate is not an option of bus check/],
    [['check', '--bus', 'x', '--bus', 'y'], /given twice/],
    [['check', '--bus', 'x', '--lang', 'de'], /--lang must be en or ru/],
    [['check', '--bus', 'x', '--rotate=yes'], /takes no value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseBusArgs(argv)).toThrow(BusUsageError);
    expect(() => parseBusArgs(argv)).toThrow(message);
  });

  it('exits 64 on usage errors and prints help', async () => {
    expect((await run(['bus', 'check'])).code).toBe(EXIT_USAGE);
    const help = await run(['bus', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('shekara bus provision --topology');
  });

  it('names the bad field of a topology, in Russian when asked, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-cli-'));
    try {
      const file = join(dir, 'bus.json');
      writeFileSync(file, JSON.stringify({ version: 1, prefix: 'shekara', host: '127.0.0.1' }));
      const r = await run(['bus', 'provision', '--topology', file, '--out', join(dir, 'out'), '--lang', 'ru']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('shekara bus provision: topology.hub: обязательное поле отсутствует\n');
      expect(existsSync(join(dir, 'out'))).toBe(false);
      const check = await run(['bus', 'check', '--bus', join(dir, 'nowhere')]);
      expect(check.code).toBe(1);
      expect(check.stderr).toMatch(/not provisioned \(manifest.json is missing\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
