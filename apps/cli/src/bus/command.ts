/**
 * `shekara bus provision` and `shekara bus check`. Arguments are parsed here (the usage errors in
 * both languages come from the bus errors table), the work is done by @shekara/bus-topology and the
 * matrix.
 */
import type { Writable } from 'node:stream';
import { BusError, BusServers, ProvisionedBus, loadTopology, provision, type Lang } from '@shekara/bus-topology';
import { holes, renderMatrix, runMatrix } from './matrix';

export const BUS_USAGE = `Usage: shekara bus provision --topology config/bus.json --out var/bus [--rotate] [--paths-root DIR] [--lang en|ru]
       shekara bus check --bus var/bus [--forbidden-only] [--json] [--lang en|ru]
       shekara bus up --bus var/bus [--lang en|ru]

  provision  generates from the topology file: an nkey per identity (seeds 0600, one secrets
             directory per account), a development CA and one certificate per server, the hub
             config and one leaf server config per agency, and manifest.json. Re-running keeps
             existing keys, certificates and picked ports; --rotate replaces them all.
             --paths-root: where the servers see the output directory (containers: /bus).
  check      connects with the provisioned credentials to the running servers, tries every act of
             every identity (the forbidden ones and the allowed ones) and prints the matrix.
             Without options it plays every part (also RPC handlers): for a system before it
             takes traffic. --forbidden-only, for a system in service, stores no test message
             in an inbox and answers no RPC.
  up         starts the provisioned hub and agency servers (nats-server), waits until every leaf
             is linked, prints their addresses, and stops them on SIGINT or SIGTERM.

Exit codes: 0 done (check: no hole); 1 check found a hole, or the topology/output could not be
used (the field is named); 64 usage error.`;

export interface BusIo {
  stdout: Writable;
  stderr: Writable;
  /** Resolves when the process is asked to stop (bus up: SIGINT, SIGTERM). */
  untilStopped?: () => Promise<void>;
}

export class BusUsageError extends Error {
  override readonly name = 'BusUsageError';
}

const FLAGS = ['rotate', 'forbidden-only', 'json'] as const;
const VALUES = ['topology', 'out', 'bus', 'lang', 'paths-root'] as const;

export interface BusArgs {
  sub: 'provision' | 'check' | 'up' | 'help';
  values: Map<string, string>;
  flags: Set<string>;
}

export function parseBusArgs(argv: readonly string[]): BusArgs {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') return { sub: 'help', values: new Map(), flags: new Set() };
  if (sub !== 'provision' && sub !== 'check' && sub !== 'up') throw new BusUsageError(`unknown bus command ${JSON.stringify(sub)}`);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') return { sub: 'help', values, flags };
    if (!arg.startsWith('--')) throw new BusUsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if ((FLAGS as readonly string[]).includes(name)) {
      if (eq !== -1) throw new BusUsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!(VALUES as readonly string[]).includes(name)) throw new BusUsageError(`unknown option --${name}`);
    if (values.has(name)) throw new BusUsageError(`--${name} given twice`);
    const value = eq !== -1 ? arg.slice(eq + 1) : i + 1 < rest.length && !rest[i + 1].startsWith('--') ? rest[++i] : undefined;
    if (!value) throw new BusUsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  const lang = values.get('lang');
  if (lang !== undefined && lang !== 'en' && lang !== 'ru') throw new BusUsageError('--lang must be en or ru');
  const need = sub === 'provision' ? ['topology', 'out'] : ['bus'];
  for (const n of need) if (!values.has(n)) throw new BusUsageError(`--${n} is required`);
  const allowedFlags = sub === 'provision' ? ['rotate'] : sub === 'check' ? ['forbidden-only', 'json'] : [];
  for (const f of flags) if (!allowedFlags.includes(f)) throw new BusUsageError(`--${f} is not an option of bus ${sub}`);
  if (sub !== 'provision' && values.has('paths-root')) throw new BusUsageError(`--paths-root is not an option of bus ${sub}`);
  if (sub === 'provision' && values.has('bus')) throw new BusUsageError('--bus is not an option of bus provision');
  if (sub !== 'provision' && (values.has('topology') || values.has('out'))) throw new BusUsageError(`bus ${sub} takes --bus (the provisioned directory)`);
  return { sub, values, flags };
}

export async function runBus(args: BusArgs, io: BusIo): Promise<number> {
  const lang = (args.values.get('lang') ?? 'en') as Lang;
  try {
    if (args.sub === 'provision') {
      const topology = loadTopology(args.values.get('topology')!);
      const out = args.values.get('out')!;
      const { manifest, written } = await provision({ topology, out, rotate: args.flags.has('rotate'), pathsRoot: args.values.get('paths-root') });
      for (const s of manifest.servers) io.stdout.write(`${s.role.padEnd(4)} ${s.name.padEnd(20)} client ${s.clientPort}  monitor ${s.monitorPort}${s.leafnodesPort ? `  leafnodes ${s.leafnodesPort}` : ''}${s.routesPort ? `  routes ${s.routesPort} (cluster ${s.cluster})` : ''}  domain ${s.jetstreamDomain}  ${s.config}\n`);
      for (const i of manifest.identities) io.stdout.write(`identity ${i.name.padEnd(16)} account ${i.account.padEnd(10)} server ${i.server.padEnd(20)} ${i.publicKey}\n`);
      io.stdout.write(`${written.length} file(s) written in ${out}${written.length === 0 ? ' (nothing changed)' : ''}\n`);
      return 0;
    }
    const bus = ProvisionedBus.load(args.values.get('bus')!);
    if (args.sub === 'up') {
      const servers = new BusServers(bus);
      try {
        await servers.start();
        for (const s of bus.manifest.servers) io.stdout.write(`${s.name} ${bus.url(s.name)} (log ${bus.path(s.log)})\n`);
        io.stdout.write('bus up: every leaf linked to the hub\n');
        await (io.untilStopped ?? (() => new Promise<void>(() => undefined)))();
      } finally {
        await servers.stop();
      }
      return 0;
    }
    const results = await runMatrix(bus, { forbiddenOnly: args.flags.has('forbidden-only') });
    io.stdout.write(args.flags.has('json') ? results.map((r) => JSON.stringify(r)).join('\n') + '\n' : renderMatrix(results) + '\n');
    return holes(results).length === 0 ? 0 : 1;
  } catch (e) {
    if (!(e instanceof BusError)) throw e;
    io.stderr.write(`shekara bus ${args.sub}: ${e.render(lang)}\n`);
    return 1;
  }
}
