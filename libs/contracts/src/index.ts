export * from './agencies';
export * from './subjects';
export * from './dead-letters';

// The generated contract: messages, enums, their schemas and JSON types.
export * from './gen/shekara/v1/common_pb';
export * from './gen/shekara/v1/urgent_pb';
export * from './gen/shekara/v1/reports_pb';
export * from './gen/shekara/v1/receipts_pb';
export * from './gen/shekara/v1/handover_pb';
export * from './gen/shekara/v1/statistics_pb';
export * from './gen/shekara/v1/envelope_pb';
export * from './gen/shekara/v1/api_pb';
export * from './gen/shekara/v1/audit_pb';
export * from './gen/shekara/v1/rpc_pb';
export * from './gen/shekara/v1/persons_pb';
export * from './gen/shekara/v1/databank_pb';
export * from './gen/shekara/v1/tlog_pb';

export * from './formats';
export * from './kinds';
export * from './codec';
export * from './validation';
export * from './proto-json';
export * from './field-messages';
export * from './dto';
export * from './states';
