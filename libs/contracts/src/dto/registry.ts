/**
 * The registry DTO class ↔ proto message. The validators find a message's DTO here, and the drift
 * spec checks every entry field by field against the descriptor, and that every message of the
 * package is either registered or explicitly bus-only.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import { SendMessageRequestSchema } from '../gen/shekara/v1/api_pb';
import { AttachmentSchema, PersonSchema, TravelDocumentSchema } from '../gen/shekara/v1/common_pb';
import { EnvelopeSchema, MerkleProofSchema, SignedEnvelopeBundleSchema, SignedEnvelopeSchema } from '../gen/shekara/v1/envelope_pb';
import { file_shekara_v1_audit } from '../gen/shekara/v1/audit_pb';
import { file_shekara_v1_rpc } from '../gen/shekara/v1/rpc_pb';
import { DeliveryReceiptSchema, ReadReceiptSchema } from '../gen/shekara/v1/receipts_pb';
import { HitDecisionSchema, MatchedPersonSchema } from '../gen/shekara/v1/persons_pb';
import {
  HandoverAcceptanceSchema,
  HandoverDisputeSchema,
  HandoverDocumentSchema,
  HandoverGoodsSchema,
  HandoverItemSchema,
  HandoverProposalSchema,
  HandoverRefusalSchema,
  HandoverVehicleSchema,
  HandoverWeaponSchema,
  HandoverWithdrawalSchema,
} from '../gen/shekara/v1/handover_pb';
import {
  AdminDetaineesSchema,
  AdvanceSchema,
  CheckpointChangeSchema,
  CheckpointCountsSchema,
  DailySchema,
  DocumentChangeSchema,
  DocumentNoticeSchema,
  LostDocumentSchema,
  MaterialSchema,
  MonthlySchema,
  PlannedExpulsionSchema,
  SemiannualSchema,
} from '../gen/shekara/v1/reports_pb';
import {
  CrisisPreconditionsSchema,
  DetainedMigrantsSchema,
  ForgedDocumentSchema,
  ForgedDocumentsSchema,
  IllegalCrossingSchema,
  NeighbourStateActionsSchema,
  SmugglingSchema,
  UrgentConfirmationSchema,
  UrgentSchema,
  ValuablesTraffickingSchema,
  WantedPersonsSchema,
} from '../gen/shekara/v1/urgent_pb';
import {
  BankAttachmentChunkSchema,
  BankAttachmentRefSchema,
  BankAttachmentRequestSchema,
  BankMaterialSchema,
  BankRecordContentSchema,
  BankRecordVersionSchema,
  BankSpecimenSchema,
  BankTravelDocumentSchema,
  SignedBankVersionSchema,
  BankResyncRequestSchema,
} from '../gen/shekara/v1/databank_pb';
import { AttachmentDto, PersonDto, TravelDocumentDto } from './common.dto';
import { BankAttachmentChunkDto, BankAttachmentRefDto, BankAttachmentRequestDto, BankMaterialDto, BankRecordContentDto, BankRecordVersionDto, BankResyncRequestDto, BankSpecimenDto, BankTravelDocumentDto, SignedBankVersionDto } from './databank.dto';
import type { DtoClass } from './decorators';
import { DeliveryReceiptDto, ReadReceiptDto } from './receipts.dto';
import { HitDecisionDto, MatchedPersonDto } from './persons.dto';
import {
  HandoverAcceptanceDto,
  HandoverDisputeDto,
  HandoverDocumentDto,
  HandoverGoodsDto,
  HandoverItemDto,
  HandoverProposalDto,
  HandoverRefusalDto,
  HandoverVehicleDto,
  HandoverWeaponDto,
  HandoverWithdrawalDto,
} from './handover.dto';
import { DiscrepancyExplanationDto, MonthlyStatisticsDto, StatisticsFigureDto } from './statistics.dto';
import { DiscrepancyExplanationSchema, MonthlyStatisticsSchema, StatisticsFigureSchema } from '../gen/shekara/v1/statistics_pb';
import {
  AdminDetaineesDto,
  AdvanceDto,
  CheckpointChangeDto,
  CheckpointCountsDto,
  DailyDto,
  DocumentChangeDto,
  DocumentNoticeDto,
  LostDocumentDto,
  MaterialDto,
  MonthlyDto,
  PlannedExpulsionDto,
  SemiannualDto,
} from './reports.dto';
import { SendMessageRequestDto } from './send-message-request.dto';
import { TlogForkAlertDto } from './tlog.dto';
import { TlogForkAlertSchema } from '../gen/shekara/v1/tlog_pb';
import {
  CrisisPreconditionsDto,
  DetainedMigrantsDto,
  ForgedDocumentDto,
  ForgedDocumentsDto,
  IllegalCrossingDto,
  NeighbourStateActionsDto,
  SmugglingDto,
  UrgentConfirmationDto,
  UrgentDto,
  ValuablesTraffickingDto,
  WantedPersonsDto,
} from './urgent.dto';

/** Every DTO with the message it validates. */
export const DTO_REGISTRY: ReadonlyArray<readonly [DescMessage, DtoClass]> = [
  [TravelDocumentSchema, TravelDocumentDto],
  [PersonSchema, PersonDto],
  [AttachmentSchema, AttachmentDto],
  [CrisisPreconditionsSchema, CrisisPreconditionsDto],
  [NeighbourStateActionsSchema, NeighbourStateActionsDto],
  [SmugglingSchema, SmugglingDto],
  [WantedPersonsSchema, WantedPersonsDto],
  [DetainedMigrantsSchema, DetainedMigrantsDto],
  [ForgedDocumentSchema, ForgedDocumentDto],
  [ForgedDocumentsSchema, ForgedDocumentsDto],
  [IllegalCrossingSchema, IllegalCrossingDto],
  [ValuablesTraffickingSchema, ValuablesTraffickingDto],
  [UrgentSchema, UrgentDto],
  [UrgentConfirmationSchema, UrgentConfirmationDto],
  [CheckpointCountsSchema, CheckpointCountsDto],
  [CheckpointChangeSchema, CheckpointChangeDto],
  [DailySchema, DailyDto],
  [MonthlySchema, MonthlyDto],
  [DocumentChangeSchema, DocumentChangeDto],
  [LostDocumentSchema, LostDocumentDto],
  [DocumentNoticeSchema, DocumentNoticeDto],
  [PlannedExpulsionSchema, PlannedExpulsionDto],
  [AdminDetaineesSchema, AdminDetaineesDto],
  [AdvanceSchema, AdvanceDto],
  [MaterialSchema, MaterialDto],
  [SemiannualSchema, SemiannualDto],
  [DeliveryReceiptSchema, DeliveryReceiptDto],
  [ReadReceiptSchema, ReadReceiptDto],
  [MatchedPersonSchema, MatchedPersonDto],
  [HitDecisionSchema, HitDecisionDto],
  [SendMessageRequestSchema, SendMessageRequestDto],
  [HandoverGoodsSchema, HandoverGoodsDto],
  [HandoverVehicleSchema, HandoverVehicleDto],
  [HandoverDocumentSchema, HandoverDocumentDto],
  [HandoverWeaponSchema, HandoverWeaponDto],
  [HandoverItemSchema, HandoverItemDto],
  [HandoverProposalSchema, HandoverProposalDto],
  [HandoverRefusalSchema, HandoverRefusalDto],
  [HandoverAcceptanceSchema, HandoverAcceptanceDto],
  [HandoverDisputeSchema, HandoverDisputeDto],
  [HandoverWithdrawalSchema, HandoverWithdrawalDto],
  [StatisticsFigureSchema, StatisticsFigureDto],
  [DiscrepancyExplanationSchema, DiscrepancyExplanationDto],
  [MonthlyStatisticsSchema, MonthlyStatisticsDto],
  [BankMaterialSchema, BankMaterialDto],
  [BankSpecimenSchema, BankSpecimenDto],
  [BankTravelDocumentSchema, BankTravelDocumentDto],
  [BankRecordContentSchema, BankRecordContentDto],
  [BankRecordVersionSchema, BankRecordVersionDto],
  [SignedBankVersionSchema, SignedBankVersionDto],
  [TlogForkAlertSchema, TlogForkAlertDto],
  [BankResyncRequestSchema, BankResyncRequestDto],
  [BankAttachmentRefSchema, BankAttachmentRefDto],
  [BankAttachmentChunkSchema, BankAttachmentChunkDto],
  [BankAttachmentRequestSchema, BankAttachmentRequestDto],
];

/**
 * Messages that never travel as JSON over HTTP and have no DTO: the envelope and its signed
 * wrapper are checked structurally by `validateEnvelope`.
 */
/**
 * Messages that never come from an HTTP body, hence have no DTO: the envelope wrappers, the audit
 * events (node → supervisor) and the internal request/reply messages (validated with the proto
 * schema itself, by fromJson, at their NATS edge).
 */
export const BUS_ONLY_MESSAGES: readonly DescMessage[] = [
  EnvelopeSchema,
  SignedEnvelopeSchema,
  SignedEnvelopeBundleSchema,
  MerkleProofSchema,
  ...file_shekara_v1_audit.messages,
  ...file_shekara_v1_rpc.messages,
];

const byTypeName = new Map(DTO_REGISTRY.map(([desc, cls]) => [desc.typeName, cls]));

/** The DTO class of a message, or undefined for a message without one. */
export function dtoFor(desc: DescMessage): DtoClass | undefined {
  return byTypeName.get(desc.typeName);
}
