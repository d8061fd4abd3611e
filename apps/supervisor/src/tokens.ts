/** Injection tokens of the supervisor module. */
export const SUPERVISOR_CONFIG = Symbol('SUPERVISOR_CONFIG');
export const DIRECTORY = Symbol('SUPERVISOR_DIRECTORY');
export const NATS = Symbol('SUPERVISOR_NATS');
export const BUS_NAMES = Symbol('SUPERVISOR_BUS_NAMES');
/** The directory in the verdict engine's input shape (units and groups). */
export const POLICY_DIRECTORY = Symbol('SUPERVISOR_POLICY_DIRECTORY');
/** Unit id → unit attributes used by the listings' filters. */
export const UNIT_INFOS = Symbol('SUPERVISOR_UNIT_INFOS');
/** IANA zone of the capital: "today" of the listings' default ranges. */
export const CAPITAL_ZONE = Symbol('SUPERVISOR_CAPITAL_ZONE');
/** Optional: what the verdict cache may hold, in messages + verdicts (default DEFAULT_VERDICT_CACHE_BUDGET). */
export const VERDICT_CACHE_BUDGET = Symbol('SUPERVISOR_VERDICT_CACHE_BUDGET');
