import { Inject, Injectable, Logger } from '@nestjs/common';
import { toBinary } from '@bufbuild/protobuf';
import { Clock } from '@shekara/common';
import { SignedBankVersionSchema } from '@shekara/contracts';
import type { BankRecordVersion, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import { AuditAction, auditLogJson } from '../audit';
import { DIRECTORY } from '../core';
import { DataBankStore } from '../store';
import { BankAttachments } from './attachments.service';
import { verifyBankVersion, versionRow } from './bank-version';

/** A bank envelope verified by the inbox (its origin, schema and times) and its version verified here. */
export interface BankArrival {
  env: Envelope;
  version: BankRecordVersion;
  /** The SignedBankVersion's bytes, as every node stores them. */
  signed: Uint8Array;
}

/**
 * The replica side of the bank: versions of other agencies' records arriving on the bus. The inbox
 * (`InboxIntake`) has verified the envelope's signature; here the version's own signature, its
 * contributor (the envelope's sender, a unit of the owning agency) and its schema; what fails is
 * dead-lettered. Verified versions are stored as they were signed, once; a version of a record
 * another agency owns is never stored (logged).
 */
@Injectable()
export class DataBankReplica {
  private readonly log = new Logger(DataBankReplica.name);

  constructor(
    private readonly records: DataBankStore,
    private readonly clock: Clock,
    @Inject(DIRECTORY) private readonly directory: Directory,
    private readonly attachments: BankAttachments,
  ) {}

  /** Verifies the version an envelope carries (CPU only); throws PermanentMessageError. */
  verify(env: Envelope): BankArrival {
    if (env.payload.case !== 'bankVersion') throw new PermanentMessageError('bank: not a bank version');
    const check = verifyBankVersion(this.directory, env.payload.value);
    if (!check.ok) throw new PermanentMessageError(check.reason);
    if (check.version.contributorUnit !== env.senderUnit) throw new PermanentMessageError(`bank version: contributed by ${check.version.contributorUnit} but sent by ${env.senderUnit}`);
    return { env, version: check.version, signed: toBinary(SignedBankVersionSchema, env.payload.value) };
  }

  /** Stores verified versions (one statement); the ones stored are audited. */
  async store(items: BankArrival[]): Promise<void> {
    const now = this.clock.now();
    const rows = items.map((i) => versionRow(i.version, i.signed));
    const entries = items.map((i) => ({
      actor: i.env.senderUnit,
      action: AuditAction.BankReplicated,
      messageId: i.version.recordId,
      units: [i.version.contributorUnit],
      details: { version: i.version.version, envelope: i.env.messageId },
    }));
    const { stored } = await this.records.writeVersions(rows, now, auditLogJson(now, entries), '[]', false);
    // Attachments the versions name: their text (if here) into the records' search; the missing ones asked for.
    const attaching = items.filter((i) => i.version.content?.attachments.length);
    if (attaching.length) {
      await this.attachments.indexRecords([...new Set(attaching.map((i) => i.version.recordId))]);
      this.attachments.kick();
    }
    if (stored.length < rows.length) {
      const got = new Set(stored.map((s) => `${s.record_id} ${s.version}`));
      const skipped = rows.filter((r) => !got.has(`${r.record_id} ${r.version}`));
      this.log.log(`bank: ${skipped.length} version(s) not stored again or not of their record's owner: ${skipped.map((r) => `${r.record_id}#${r.version}`).join(', ').slice(0, 500)}`);
    }
  }
}
