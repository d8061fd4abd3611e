import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** Audit entries and the ledger events they make. */
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
