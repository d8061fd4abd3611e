import { AuditEntity } from './audit.entity';
import { DeadLetterEntity } from './dead-letter.entity';
import { MessageEntity } from './message.entity';
import { RecipientEntity } from './recipient.entity';
import { UserEntity } from '@shekara/auth';

export * from './audit.entity';
export * from './dead-letter.entity';
export * from './message.entity';
export * from './recipient.entity';

export const AGENCY_NODE_ENTITIES = [UserEntity, MessageEntity, RecipientEntity, DeadLetterEntity, AuditEntity];
