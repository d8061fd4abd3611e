export * from './common.dto';
export * from './urgent.dto';
export * from './reports.dto';
export * from './receipts.dto';
export * from './send-message-request.dto';
export * from './databank.dto';
export type { DtoClass } from './decorators';
export { DTO_REGISTRY, BUS_ONLY_MESSAGES, dtoFor } from './registry';
