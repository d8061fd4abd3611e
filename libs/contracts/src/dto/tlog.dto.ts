/** DTOs of shekara/v1/tlog.proto (a witness's fork alert, bus only: validated as an envelope payload). */
import type { TlogForkAlertJson } from '../gen/shekara/v1/tlog_pb';
import { Text, TextList, Timestamp, UInt } from './decorators';

export class TlogForkAlertDto implements TlogForkAlertJson {
  @Text({ max: 200 })
  origin!: string;

  @Text({ max: 200 })
  witness!: string;

  @Text({ max: 20, pattern: /^(same-size|unproven)$/ })
  reason!: string;

  @Text({ max: 8000 })
  knownCheckpoint!: string;

  @Text({ max: 8000 })
  presentedCheckpoint!: string;

  @UInt({ max: 4_294_967_295 })
  oldSize?: number;

  @TextList({ min: 0, max: 64, maxLength: 44, pattern: /^[A-Za-z0-9+/]{43}=$/, format: 'INVALID' })
  proof?: string[];

  @Timestamp()
  detectedAt!: string;
}
