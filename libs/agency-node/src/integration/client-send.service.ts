import { Injectable } from '@nestjs/common';
import type { AuthUser } from '@shekara/auth';
import { NodeError, NodeErrorCode } from '../core';
import { MessagesService } from '../desk';
import type { MessageView } from '../desk';
import { bi } from '@shekara/server';

/**
 * A report sent by a machine client: the desk's own use case (`MessagesService.send`: the same
 * contract validation, interaction groups, signing, group commit), acting as the named sender unit,
 * which must be one the account is bound to (else 403, nothing stored). The report's author is the
 * system (client:<client id>) in the message and the audit log.
 */
@Injectable()
export class ClientSend {
  constructor(private readonly messages: MessagesService) {}

  send(client: AuthUser, body: unknown): Promise<MessageView> {
    const sender = body && typeof body === 'object' && !Array.isArray(body) ? (body as { senderUnit?: unknown }).senderUnit : undefined;
    const units = client.client?.units ?? [];
    if (typeof sender === 'string' && !units.includes(sender)) throw new NodeError(NodeErrorCode.NotBoundUnit, bi(`Bound units: ${units.join(', ')}.`, `Привязанные подразделения: ${units.join(', ')}.`));
    // An absent or malformed senderUnit is the validator's to report (400 with the field).
    const unitId = typeof sender === 'string' ? sender : units[0];
    return this.messages.send({ ...client, unitId, role: 'duty-officer' }, body);
  }
}
