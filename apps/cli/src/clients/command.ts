/**
 * `shekara clients create|list|revoke|webhook`: the operator's commands on a node's service accounts
 * (machine clients, docs/integration.md), through the node's admin API. The operator signs in as a
 * node administrator with a password read from a file (never from the command line), or gives an
 * access token in a file.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Writable } from 'node:stream';
import { BilingualError } from '../bilingual-error';

export const CLIENTS_USAGE = `Usage: shekara clients <command> --node URL (--user ADMIN --password-file FILE | --token-file FILE) [options]

  create   --client-id ID --name TEXT --unit UNIT [--unit UNIT ...] [--clearance UNCLASSIFIED|FOR_OFFICIAL_USE|CONFIDENTIAL]
           [--rate REQUESTS_PER_MINUTE]: a service account bound to those units of the node's agency;
           prints its client id and secret (shown once: only its hash is kept)
  list     the node's service accounts (revoked ones too), one a line
  revoke   --client-id ID: no new tokens; its live tokens are refused within seconds
  webhook  --client-id ID (--url URL [--secret-file FILE] | --remove): sets or removes its webhook;
           prints the signing secret

Exit codes: 0 done; 1 refused by the node (the reason is printed); 64 usage error; 69 node unreachable.`;

/** A usage error of `clients`, in English (its message) and Russian. */
export class ClientsUsageError extends BilingualError {}

type Sub = 'create' | 'list' | 'revoke' | 'webhook';
const OPTIONS: Record<Sub, string[]> = {
  create: ['client-id', 'name', 'unit', 'clearance', 'rate'],
  list: [],
  revoke: ['client-id'],
  webhook: ['client-id', 'url', 'secret-file', 'remove'],
};
const COMMON = ['node', 'user', 'password-file', 'token-file'];
const FLAGS = ['remove'];

export interface ClientsArgs {
  sub: Sub | 'help';
  options: Map<string, string[]>;
}

export function parseClientsArgs(argv: readonly string[]): ClientsArgs {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') return { sub: 'help', options: new Map() };
  if (!(sub in OPTIONS)) throw new ClientsUsageError(`unknown clients command ${JSON.stringify(sub)}`, `неизвестная команда clients ${JSON.stringify(sub)}`);
  const allowed = [...COMMON, ...OPTIONS[sub as Sub]];
  const options = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new ClientsUsageError(`unexpected argument ${a}`, `лишний аргумент ${a}`);
    const name = a.slice(2);
    if (!allowed.includes(name)) throw new ClientsUsageError(`--${name} is not an option of clients ${sub}`, `--${name} не параметр команды clients ${sub}`);
    if (FLAGS.includes(name)) {
      options.set(name, ['true']);
      continue;
    }
    const v = rest[++i];
    if (v === undefined || v.startsWith('--')) throw new ClientsUsageError(`--${name} needs a value`, `у параметра --${name} нет значения`);
    if (options.has(name) && name !== 'unit') throw new ClientsUsageError(`--${name} given twice`, `параметр --${name} указан дважды`);
    options.set(name, [...(options.get(name) ?? []), v]);
  }
  const need = (n: string) => {
    if (!options.has(n)) throw new ClientsUsageError(`--${n} is required`, `нужен параметр --${n}`);
  };
  need('node');
  if (!/^https?:\/\/[^\s]+$/.test(options.get('node')![0])) throw new ClientsUsageError('--node must be an http(s) URL of the node', '--node: нужен адрес узла http(s)');
  if (options.has('token-file') === (options.has('user') || options.has('password-file'))) throw new ClientsUsageError('give either --user with --password-file, or --token-file', 'укажите либо --user с --password-file, либо --token-file');
  if (options.has('user')) need('password-file');
  if (sub === 'create') ['client-id', 'name', 'unit'].forEach(need);
  if (sub === 'revoke' || sub === 'webhook') need('client-id');
  if (sub === 'webhook' && options.has('url') === options.has('remove')) throw new ClientsUsageError('give exactly one of --url, --remove', 'укажите ровно один из параметров --url, --remove');
  if (options.has('rate') && !/^[1-9]\d{0,5}$/.test(options.get('rate')![0])) throw new ClientsUsageError('--rate must be a whole number of requests a minute', '--rate: целое число запросов в минуту');
  return { sub: sub as Sub, options };
}

export interface ClientsIo {
  stdout: Writable;
  stderr: Writable;
  language?: 'en' | 'ru';
}

interface Answer {
  status: number;
  body: any;
}

/** One JSON request to the node (no kept-alive connection: the command exits when done). */
function call(url: string, method: string, body: unknown, token: string | undefined, language: string): Promise<Answer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      { method, agent: false, headers: { accept: 'application/json', 'accept-language': language, ...(data ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const readSecret = (file: string) => readFileSync(file, 'utf8').trim();

export async function runClients(args: ClientsArgs & { sub: Sub }, io: ClientsIo): Promise<number> {
  const o = args.options;
  const one = (n: string) => o.get(n)?.[0];
  const node = one('node')!.replace(/\/+$/, '');
  const lang = io.language ?? 'en';
  const refused = (a: Answer) => {
    const m = a.body && typeof a.body === 'object' ? `${a.body.code ?? a.status}: ${a.body.message ?? ''}` : `HTTP ${a.status}`;
    io.stderr.write(`shekara clients: ${m}\n`);
    return 1;
  };
  try {
    let token: string;
    try {
      token = o.has('token-file') ? readSecret(one('token-file')!) : '';
      if (!token) {
        const login = await call(`${node}/api/auth/login`, 'POST', { username: one('user'), password: readSecret(one('password-file')!) }, undefined, lang);
        if (login.status !== 200) return refused(login);
        token = login.body.accessToken;
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EACCES') {
        io.stderr.write(`shekara clients: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    }
    const id = encodeURIComponent(one('client-id') ?? '');
    switch (args.sub) {
      case 'create': {
        const body = { clientId: one('client-id'), name: one('name'), units: o.get('unit'), ...(o.has('clearance') ? { clearance: one('clearance') } : {}), ...(o.has('rate') ? { ratePerMinute: Number(one('rate')) } : {}) };
        const a = await call(`${node}/api/admin/clients`, 'POST', body, token, lang);
        if (a.status !== 201) return refused(a);
        io.stdout.write(`client_id=${a.body.clientId}\nclient_secret=${a.body.clientSecret}\n`);
        io.stderr.write(lang === 'ru' ? 'Сохраните секрет сейчас: он больше не будет показан.\n' : 'Store the secret now: it is not shown again.\n');
        return 0;
      }
      case 'list': {
        const a = await call(`${node}/api/admin/clients`, 'GET', undefined, token, lang);
        if (a.status !== 200) return refused(a);
        for (const c of a.body as { clientId: string; units: string[]; clearance: string; ratePerMinute: number; revokedAt: string | null; webhookState: string; name: string }[]) {
          io.stdout.write(`${c.clientId}\t${c.revokedAt ? `revoked ${c.revokedAt}` : 'active'}\t${c.units.join(',')}\t${c.clearance}\t${c.ratePerMinute}/min\twebhook ${c.webhookState}\t${c.name}\n`);
        }
        return 0;
      }
      case 'revoke': {
        const a = await call(`${node}/api/admin/clients/${id}/revoke`, 'POST', undefined, token, lang);
        if (a.status !== 204) return refused(a);
        io.stdout.write(`revoked ${one('client-id')}\n`);
        return 0;
      }
      case 'webhook': {
        if (o.has('remove')) {
          const a = await call(`${node}/api/admin/clients/${id}/webhook`, 'DELETE', undefined, token, lang);
          if (a.status !== 204) return refused(a);
          io.stdout.write(`webhook removed for ${one('client-id')}\n`);
          return 0;
        }
        const body = { url: one('url'), ...(o.has('secret-file') ? { secret: readSecret(one('secret-file')!) } : {}) };
        const a = await call(`${node}/api/admin/clients/${id}/webhook`, 'PUT', body, token, lang);
        if (a.status !== 200) return refused(a);
        io.stdout.write(`webhook_url=${a.body.url}\nwebhook_secret=${a.body.secret}\n`);
        return 0;
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
      io.stderr.write(`shekara clients: the node at ${node} is unreachable (${code})\n`);
      return 69;
    }
    throw e;
  }
}
