/**
 * What the consoles take from the contract (libs/contracts): the list of agencies (pure data) and the
 * proto JSON types protoc-gen-es generates (json_types=true), type-only so that no protobuf runtime
 * reaches the bundle. The only server-tree files web/ may import (.dependency-cruiser.cjs).
 */
export { AGENCIES, isAgencyCode } from '../../libs/contracts/src/agencies';
export type { AgencyCode } from '../../libs/contracts/src/agencies';
export type { SendMessageRequestJson } from '../../libs/contracts/src/gen/shekara/v1/api_pb';
export type { AttachmentJson, ClassificationJson, DocumentTypeJson, SexJson, TravelDocumentJson } from '../../libs/contracts/src/gen/shekara/v1/common_pb';
export type { AdvanceJson, DailyJson, DocumentChangeKindJson, DocumentLossJson, MaterialKindJson, MonthlyJson, SemiannualJson } from '../../libs/contracts/src/gen/shekara/v1/reports_pb';
export type {
  CrossingDirectionJson,
  ForgeryKindJson,
  MovementJson,
  NeighbourActionKindJson,
  OffenceStageJson,
  SmuggledGoodsJson,
  UrgentConfirmationJson,
  UrgentJson,
  UrgentTopicJson,
  ValuablesKindJson,
  VisaAcquisitionJson,
  WantedInvolvementJson,
} from '../../libs/contracts/src/gen/shekara/v1/urgent_pb';
export type { JsonObject, JsonValue } from '@bufbuild/protobuf';
// What a field error says, by its code (pure data): the consoles render the server's codes and params.
export { FIELD_MESSAGES, fillTemplate, isFieldCode } from '../../libs/contracts/src/field-messages';
