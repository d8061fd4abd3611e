import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Clock, uuidv7 } from '@shekara/common';
import { checkPassword, hashPassword } from '@shekara/security';
import { AuthError, AuthErrorCode } from './auth.errors';
import type { AuthUser } from './auth.types';
import { AUTH_OPTIONS } from './auth.options';
import type { AuthModuleOptions } from './auth.options';
import { HashGate, LoginThrottle, DEFAULT_THROTTLE } from './login-throttle';
import { SessionStore } from './session.store';
import { ROLES } from './user.entity';
import type { Clearance, Role } from './user.entity';
import { DEMO_PASSWORD } from './users.sql';

/** A user as an app creates or updates it (the password given apart). */
export interface NewUser {
  username: string;
  displayName: string;
  unitId: string;
  role: Role;
  /** FOR_OFFICIAL_USE unless given. */
  clearance?: Clearance;
}

let demoHash: Promise<string> | undefined;

/** The argon2id hash of the demo password, made once per process (its salt shared by the demo users, whose password is published). */
export function demoPasswordHash(): Promise<string> {
  if (!demoHash) {
    demoHash = hashPassword(DEMO_PASSWORD);
    // A failed hash is not kept: the next start tries again.
    demoHash.catch(() => (demoHash = undefined));
  }
  return demoHash;
}

/** What a sign-in or a refresh gives the client: a short access token (and, at sign-in, the session cookie's value). */
export interface Grant {
  accessToken: string;
  expiresIn: number;
  user: AuthUser;
}

interface Claims {
  sub: string;
  username: string;
  unit: string;
  role: Role;
  sid: string;
  exp?: number;
}

/** A machine client's token: `typ` "client", the account id as sub, its client id, no session. */
interface ClientClaims {
  sub: string;
  typ: 'client';
  cid: string;
  exp?: number;
}

/**
 * The principal of a machine client's account as it is now (null when revoked or unknown): the app
 * that keeps service accounts registers it (`useClientAccounts`).
 */
export type ClientAccountCheck = (accountId: string) => Promise<AuthUser | null>;

/** How long a checked session is believed without asking the database again (disable/sign-out take effect within it). */
const CHECK_TTL_MS = 5_000;
const MAX_CACHED = 10_000;
const DEFAULT_SESSION_TTL_S = 24 * 3600;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Sign-in, sessions and token checks. A sign-in opens a session (a row; the browser holds
 * "<id>.<secret>" in an httpOnly cookie) lasting a shift, and returns a short access token (JWT with
 * iss, aud, exp and the session id). Every request's token is checked against its session and user:
 * a signed-out session, a disabled or deleted user, or an unknown role is refused.
 */
@Injectable()
export class AuthService {
  /** Checked when the user does not exist, so timing does not reveal which user names exist. */
  private dummyHash?: Promise<string>;
  private readonly store: SessionStore;
  private readonly throttle: LoginThrottle;
  private readonly gate: HashGate;
  private readonly checked = new Map<string, { until: number; user: AuthUser | null }>();
  /** Checks under way: concurrent requests of one session share one query (when its entry expires, every request in flight would otherwise ask at once). */
  private readonly checking = new Map<string, Promise<AuthUser | null>>();
  /** Bumped by every forget: a check that began before it is answered but not believed afterwards. */
  private generation = 0;
  private clientAccounts?: ClientAccountCheck;

  constructor(
    private readonly jwt: JwtService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions,
  ) {
    this.store = new SessionStore(options.dataSource);
    this.throttle = new LoginThrottle(options.clock, { ...DEFAULT_THROTTLE, ...options.throttle });
    this.gate = new HashGate(options.hashSlots?.concurrency ?? 2, options.hashSlots?.queue ?? 8);
  }

  private get clock(): Clock {
    return this.options.clock;
  }

  get cookieName(): string {
    return `shekara_session_${this.options.issuer}`;
  }

  get sessionTtlSeconds(): number {
    return this.options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_S;
  }

  /** Checks the password (throttled, bounded) and opens a session; `session` is the cookie's value. */
  async login(username: string, password: string, address: string): Promise<Grant & { session: string }> {
    const wait = this.throttle.admit(username, address);
    if (wait > 0) throw new AuthError(AuthErrorCode.TooManyAttempts, undefined, wait);
    const user = await this.store.userByName(username);
    this.dummyHash ??= hashPassword(randomUUID());
    const hash = user?.password_hash ?? (await this.dummyHash);
    const checked = await this.gate.run(() => checkPassword(hash, password));
    if (checked === undefined) throw new AuthError(AuthErrorCode.SignInBusy, undefined, 1);
    const ok = checked && !!user && !user.disabled_at && (ROLES as readonly string[]).includes(user.role) && !this.options.checkUnit?.(user.unit_id);
    await this.options.onSignIn?.({ username: username.slice(0, 100), unitId: user?.unit_id, ok });
    if (!user || !ok) {
      this.throttle.failed(username, address);
      throw new AuthError(AuthErrorCode.BadCredentials);
    }
    this.throttle.succeeded(username);
    const now = this.clock.now();
    const id = uuidv7(this.clock);
    const secret = randomBytes(32).toString('base64url');
    await this.store.open({ id, userId: user.id, secretHash: sha256(secret), now, expiresAt: new Date(now.getTime() + this.sessionTtlSeconds * 1000), address });
    const principal: AuthUser = { id: user.id, username: user.username, unitId: user.unit_id, role: user.role, clearance: user.clearance };
    return { ...(await this.grant(principal, id)), session: `${id}.${secret}` };
  }

  /** A new access token for the session in the cookie (one sign-in serves every tab of the browser). */
  async refresh(cookie: string | undefined): Promise<Grant> {
    const s = await this.sessionFromCookie(cookie);
    return this.grant(s.user, s.id);
  }

  /** Ends the session named by the cookie (if any) and by the token's session id (if any). */
  async logout(cookie: string | undefined, token: string | undefined): Promise<void> {
    const ids = new Set<string>();
    const fromCookie = this.parseCookie(cookie);
    if (fromCookie) ids.add(fromCookie.id);
    if (token) {
      const claims = await this.claims(token).catch(() => undefined);
      if (claims && !('typ' in claims)) ids.add(claims.sid);
    }
    for (const id of ids) {
      await this.store.revoke(id, this.clock.now());
      this.forget(id);
    }
  }

  /**
   * The user of a bearer token: signature, iss, aud and exp, then its session and user as they are
   * now; for a machine client's token, its account as it is now (a revoked account is refused).
   */
  async verify(token: string): Promise<AuthUser> {
    const claims = await this.claims(token);
    if ('typ' in claims) {
      const client = await this.cachedCheck(`client:${claims.sub}`, () => this.clientAccounts?.(claims.sub) ?? Promise.resolve(null));
      if (!client || client.id !== claims.sub || client.client?.clientId !== claims.cid) throw new AuthError(AuthErrorCode.Unauthenticated);
      return client;
    }
    const user = await this.sessionUser(claims.sid);
    if (!user || user.id !== claims.sub) throw new AuthError(AuthErrorCode.Unauthenticated);
    return user;
  }

  /** The user of the session cookie (for the live-event stream, which cannot send a header). */
  async verifyCookie(cookie: string | undefined): Promise<AuthUser> {
    return (await this.sessionFromCookie(cookie)).user;
  }

  /** Disables a user (their sessions end at once) or enables them again. */
  async setDisabled(username: string, disabled: boolean): Promise<void> {
    await this.store.setDisabled(username, disabled ? this.clock.now() : null);
    this.forget();
  }

  /**
   * An administrator sets what a user may read (takes effect with the user's next request: the
   * session check reads it from the user's row). Reported to the app (onClearanceSet) for its audit log.
   */
  async setClearance(admin: AuthUser, username: string, clearance: Clearance): Promise<{ username: string; unitId: string; clearance: Clearance }> {
    const row = await this.store.setClearance(username, clearance);
    if (!row) throw new AuthError(AuthErrorCode.UnknownUser, { en: username.slice(0, 100), ru: username.slice(0, 100) });
    this.forget();
    await this.options.onClearanceSet?.({ admin: admin.username, username, unitId: row.unit_id, clearance });
    return { username, unitId: row.unit_id, clearance };
  }

  /**
   * Creates or updates a user (idempotent by user name). The app decides which units it serves.
   * clearance: FOR_OFFICIAL_USE unless given (every officer handles official-use reports; CONFIDENTIAL is granted).
   */
  async upsertUser(u: NewUser & { password: string }): Promise<void> {
    this.checkNewUser(u);
    await this.saveUser(u, await hashPassword(u.password));
  }

  /**
   * Creates or updates demo accounts (`DEMO_USERS`), all with the published demo password, whose
   * argon2id hash is made once per process: a hash costs about 0.3 s of CPU on these machines, and
   * every start hashed it again for each demo user (a test file's three nodes: twelve times).
   */
  async upsertDemoUsers(users: NewUser[]): Promise<void> {
    for (const u of users) this.checkNewUser(u);
    const passwordHash = await demoPasswordHash();
    for (const u of users) await this.saveUser(u, passwordHash);
  }

  private checkNewUser(u: NewUser): void {
    const problem = this.options.checkUnit?.(u.unitId);
    if (problem) throw new AuthError(AuthErrorCode.UnknownUnit, { en: problem, ru: `(${u.unitId})` });
  }

  private async saveUser(u: NewUser, passwordHash: string): Promise<void> {
    await this.store.upsertUser({ id: uuidv7(this.clock), username: u.username, displayName: u.displayName, passwordHash, unitId: u.unitId, role: u.role, clearance: u.clearance ?? 'FOR_OFFICIAL_USE', createdAt: this.clock.now() });
  }

  /** Registers where machine clients' accounts are looked up (their tokens are refused until then). */
  useClientAccounts(check: ClientAccountCheck): void {
    this.clientAccounts = check;
  }

  /**
   * A short access token for a machine client whose credentials the caller has checked: the same
   * JWT (HS256, iss, aud, exp) as a user's, naming the account instead of a session.
   */
  async clientToken(accountId: string, clientId: string, ttlSeconds: number): Promise<{ accessToken: string; expiresIn: number }> {
    const claims: ClientClaims = { sub: accountId, typ: 'client', cid: clientId };
    return { accessToken: await this.jwt.signAsync(claims, { expiresIn: ttlSeconds }), expiresIn: ttlSeconds };
  }

  /** Forgets what was checked of a machine client (revoked here: refused at once on this process). */
  forgetClient(accountId: string): void {
    this.forget(`client:${accountId}`);
  }

  /** Forgets what was checked of one key, or of every key. */
  private forget(key?: string): void {
    this.generation++;
    if (key === undefined) {
      this.checked.clear();
      this.checking.clear();
    } else {
      this.checked.delete(key);
      this.checking.delete(key);
    }
  }

  private async grant(user: AuthUser, sid: string): Promise<Grant> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, username: user.username, unit: user.unitId, role: user.role, sid });
    return { accessToken, expiresIn: this.options.ttlSeconds, user };
  }

  private async claims(token: string): Promise<Claims | ClientClaims> {
    try {
      const p = await this.jwt.verifyAsync<Claims | ClientClaims>(token);
      // jsonwebtoken checks exp only when present: a token without one is refused here.
      if (typeof p.exp !== 'number' || typeof p.sub !== 'string') throw new Error('incomplete claims');
      if ('typ' in p) {
        if (p.typ !== 'client' || typeof p.cid !== 'string') throw new Error('incomplete claims');
      } else if (typeof p.sid !== 'string') throw new Error('incomplete claims');
      return p;
    } catch {
      throw new AuthError(AuthErrorCode.Unauthenticated);
    }
  }

  private parseCookie(cookie: string | undefined): { id: string; secret: string } | undefined {
    const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(cookie ?? '');
    return m ? { id: m[1], secret: m[2] } : undefined;
  }

  private async sessionFromCookie(cookie: string | undefined): Promise<{ id: string; user: AuthUser }> {
    const c = this.parseCookie(cookie);
    if (!c) throw new AuthError(AuthErrorCode.Unauthenticated);
    const row = await this.store.find(c.id);
    const given = sha256(c.secret);
    if (!row || row.secret_hash.length !== given.length || !timingSafeEqual(row.secret_hash, given)) throw new AuthError(AuthErrorCode.Unauthenticated);
    const user = await this.sessionUser(c.id);
    if (!user) throw new AuthError(AuthErrorCode.Unauthenticated);
    return { id: c.id, user };
  }

  /** The session's user if the session is open and the user may act; cached for CHECK_TTL_MS. */
  private sessionUser(sid: string): Promise<AuthUser | null> {
    return this.cachedCheck(sid, async () => {
      const now = this.clock.now();
      const row = await this.store.find(sid);
      const ok =
        row && !row.revoked_at && row.expires_at > now && !row.disabled_at && (ROLES as readonly string[]).includes(row.role) && !this.options.checkUnit?.(row.unit_id);
      return ok ? { id: row.user_id, username: row.username, unitId: row.unit_id, role: row.role as Role, clearance: row.clearance } : null;
    });
  }

  /** What `check` says of a session or a machine client, believed for CHECK_TTL_MS (revocations take effect within it). */
  private async cachedCheck(key: string, check: () => Promise<AuthUser | null>): Promise<AuthUser | null> {
    const now = this.clock.now().getTime();
    const hit = this.checked.get(key);
    if (hit && hit.until > now) return hit.user;
    const running = this.checking.get(key);
    if (running) return running;
    const generation = this.generation;
    const p = check().then(
      (user) => {
        if (this.checking.get(key) === p) this.checking.delete(key);
        if (generation === this.generation) {
          if (this.checked.size >= MAX_CACHED) this.checked.clear();
          this.checked.set(key, { until: now + CHECK_TTL_MS, user });
        }
        return user;
      },
      (e: unknown) => {
        if (this.checking.get(key) === p) this.checking.delete(key);
        throw e;
      },
    );
    this.checking.set(key, p);
    return p;
  }
}
