import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { AuthService, LoginThrottle } from '@shekara/auth';
import type { AuthUser, Clearance } from '@shekara/auth';
import { Clock, uuidv7 } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import { AuditAction, auditLogJson } from '../audit';
import type { AuditEntry } from '../audit';
import { DIRECTORY, INTEGRATION_DEFAULTS, NODE_CONFIG, NodeError, NodeErrorCode } from '../core';
import type { AgencyNodeConfig } from '../core';
import { AuditStore, IntegrationStore } from '../store';
import type { ClientAccountRow } from '../store';
import type { ClientView, CreateClientRequest, CreatedClient, TokenResponse, WebhookSet } from './dto';
import { bi } from '@shekara/server';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();
export const DEFAULT_RATE_PER_MINUTE = 600;

/** How a machine client is named in the audit log and as the author of what it sends. */
export const clientActor = (clientId: string) => `client:${clientId}`;

/**
 * Service accounts of agency systems (docs/integration.md): created by an administrator (the secret
 * is shown once, only its SHA-256 is kept: it is 32 random bytes, not a password), exchanged for a
 * short access token (the same JWT checks as a user's), revoked (its tokens are refused within the
 * auth check's cache time, at once on this process).
 */
@Injectable()
export class ClientAccounts implements OnModuleInit {
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly store: IntegrationStore,
    private readonly audit: AuditStore,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {
    this.throttle = new LoginThrottle(clock);
  }

  onModuleInit(): void {
    this.auth.useClientAccounts((id) => this.principal(id));
  }

  async create(by: string, r: CreateClientRequest): Promise<CreatedClient> {
    const foreign = r.units.filter((u) => this.directory.findUnit(u)?.agency !== this.config.agency);
    if (foreign.length) throw new NodeError(NodeErrorCode.UnknownUnit, bi(`Not a unit of ${this.config.agency}: ${foreign.join(', ')}.`, `Не подразделение ведомства ${this.config.agency}: ${foreign.join(', ')}.`));
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const units = [...new Set(r.units)];
    const created = await this.store.create({
      id: uuidv7(this.clock),
      clientId: r.clientId,
      name: r.name,
      secretHash: sha256(secret),
      units,
      clearance: r.clearance ?? 'FOR_OFFICIAL_USE',
      ratePerMinute: r.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
      createdAt: now,
      createdBy: by,
    });
    if (!created) throw new NodeError(NodeErrorCode.ClientIdTaken);
    await this.record([{ actor: by, action: AuditAction.ClientCreated, units, details: { clientId: r.clientId } }]);
    const row = await this.store.credentials(r.clientId);
    return { ...view(row!), clientSecret: secret };
  }

  async list(): Promise<ClientView[]> {
    return (await this.store.list()).map(view);
  }

  async revoke(by: string, clientId: string): Promise<void> {
    const id = await this.store.revoke(clientId, this.clock.now());
    if (!id) throw new NodeError(NodeErrorCode.ClientNotFound);
    this.auth.forgetClient(id);
    await this.record([{ actor: by, action: AuditAction.ClientRevoked, details: { clientId } }]);
  }

  async setWebhook(by: string, clientId: string, url: string | null, secret?: string): Promise<WebhookSet | undefined> {
    const key = url ? (secret ?? randomBytes(32).toString('base64url')) : null;
    const id = await this.store.setWebhook(clientId, url, key, this.clock.now());
    if (!id) throw new NodeError(NodeErrorCode.ClientNotFound);
    await this.record([{ actor: by, action: AuditAction.ClientWebhookSet, details: { clientId, url } }]);
    return url && key ? { url, secret: key } : undefined;
  }

  /** The client credentials grant: a short token for a known, open account with the right secret (throttled like sign-ins). */
  async token(clientId: string, secret: string, address: string): Promise<TokenResponse> {
    const wait = this.throttle.admit(clientId, address);
    if (wait > 0) throw new NodeError(NodeErrorCode.RateLimited, undefined, undefined, wait);
    const row = await this.store.credentials(clientId);
    const given = sha256(secret);
    const ok = !!row && !row.revoked_at && row.secret_hash.length === given.length && timingSafeEqual(row.secret_hash, given);
    if (!row || !ok) {
      this.throttle.failed(clientId, address);
      await this.record([{ actor: clientActor(clientId.slice(0, 64)), action: AuditAction.ClientTokenRefused, details: { address } }]);
      throw new NodeError(NodeErrorCode.InvalidClient);
    }
    this.throttle.succeeded(clientId);
    const t = await this.auth.clientToken(row.id, row.client_id, (this.config.integration ?? INTEGRATION_DEFAULTS).clientTokenTtlS);
    await this.record([{ actor: clientActor(row.client_id), action: AuditAction.ClientToken, units: row.units, details: { address } }]);
    return { access_token: t.accessToken, token_type: 'Bearer', expires_in: t.expiresIn };
  }

  /** An account as the auth check sees it: null when revoked or gone. */
  async principal(id: string): Promise<AuthUser | null> {
    const row = await this.store.byId(id);
    if (!row || row.revoked_at) return null;
    return principalOf(row);
  }

  /** The account's settings (rate) as stored now. */
  account(id: string): Promise<ClientAccountRow | undefined> {
    return this.store.byId(id);
  }

  record(entries: AuditEntry[]): Promise<void> {
    return this.audit.append(auditLogJson(this.clock.now(), entries));
  }
}

function principalOf(row: ClientAccountRow): AuthUser {
  return {
    id: row.id,
    username: clientActor(row.client_id),
    unitId: row.units[0],
    // Never used to pass a role check: the guard lets machine clients call only @MachineClients() routes.
    role: 'duty-officer',
    clearance: row.clearance as Clearance,
    client: { clientId: row.client_id, units: row.units },
  };
}

function view(row: ClientAccountRow): ClientView {
  const webhookState = !row.webhook_url ? 'NONE' : row.webhook_failed_at ? 'FAILED' : row.webhook_attempts > 0 ? 'RETRYING' : 'ACTIVE';
  return {
    clientId: row.client_id,
    name: row.name,
    units: row.units,
    clearance: row.clearance,
    ratePerMinute: row.rate_per_minute,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    webhookUrl: row.webhook_url,
    webhookState,
    webhookLastError: row.webhook_last_error,
  };
}
