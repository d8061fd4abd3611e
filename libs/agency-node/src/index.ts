export * from './config';
export * from './bootstrap';
export * from './demo-users';
export * from './errors';
export * from './entities';
export { agencyNodeDataSource, AGENCY_NODE_MIGRATIONS } from './data-source';
export type { LiveEvent } from './messages/live-events';
export { AuthService } from '@shekara/auth';
