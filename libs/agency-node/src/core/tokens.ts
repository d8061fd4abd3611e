/** Injection tokens of the agency node module. */
export const NODE_CONFIG = Symbol('AGENCY_NODE_CONFIG');
export const DIRECTORY = Symbol('DIRECTORY');
export const SIGNER = Symbol('UNIT_SIGNER');
export const NATS = Symbol('NATS_CONNECTION');
export const BUS_NAMES = Symbol('BUS_NAMES');
export const DIRECTORY_RELOADER = Symbol('DIRECTORY_RELOADER');
/** The private key the node signs its transparency log's checkpoints and its cosignatures with (see log-identity.ts). */
export const LOG_KEY = Symbol('LOG_KEY');
