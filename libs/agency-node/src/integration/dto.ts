import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CLEARANCES } from '@shekara/auth';
import type { Clearance } from '@shekara/auth';
import { withCode } from '@shekara/contracts';

/** OAuth2-style client credentials grant (JSON body). */
export class TokenRequest {
  @ApiProperty({ enum: ['client_credentials'] }) @IsIn(['client_credentials']) grant_type: 'client_credentials';
  @ApiProperty({ example: 'border-eps' }) @IsString() @MinLength(1) @MaxLength(64) client_id: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) client_secret: string;
}

export class TokenResponse {
  @ApiProperty() access_token: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type: 'Bearer';
  @ApiProperty({ description: 'Seconds the token is valid' }) expires_in: number;
}

export class CreateClientRequest {
  @ApiProperty({ example: 'border-eps', description: 'Lower-case letters, digits and dashes' })
  @Matches(/^[a-z0-9][a-z0-9-]{2,63}$/, withCode('CLIENT_ID'))
  clientId: string;
  @ApiProperty({ example: 'Border control system at the checkpoints' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ type: [String], example: ['border.l4.CP-CN-A-01'], description: 'Units of this agency the system may act for' })
  @IsString({ each: true }) @ArrayMinSize(1) @ArrayMaxSize(500) @MaxLength(100, { each: true })
  units: string[];
  @ApiPropertyOptional({ enum: CLEARANCES, default: 'FOR_OFFICIAL_USE' }) @IsOptional() @IsIn(CLEARANCES) clearance?: Clearance;
  @ApiPropertyOptional({ default: 600, description: 'Requests a minute (token bucket, bursts of a tenth of it)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) ratePerMinute?: number;
}

export class ClientView {
  @ApiProperty() clientId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) units: string[];
  @ApiProperty({ enum: CLEARANCES }) clearance: string;
  @ApiProperty() ratePerMinute: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() createdBy: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revokedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) webhookUrl: string | null;
  @ApiProperty({ enum: ['NONE', 'ACTIVE', 'RETRYING', 'FAILED'] }) webhookState: 'NONE' | 'ACTIVE' | 'RETRYING' | 'FAILED';
  @ApiProperty({ nullable: true, type: String }) webhookLastError: string | null;
}

export class CreatedClient extends ClientView {
  @ApiProperty({ description: 'Shown once: only its hash is kept' }) clientSecret: string;
}

export class WebhookRequest {
  @ApiProperty({ example: 'https://eps.border.example/shekara-hook' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }) @MaxLength(2000)
  url: string;
  @ApiPropertyOptional({ description: 'HMAC secret (at least 32 characters); generated when omitted' })
  @IsOptional() @IsString() @MinLength(32) @MaxLength(200)
  secret?: string;
}

export class WebhookSet {
  @ApiProperty() url: string;
  @ApiProperty({ description: 'The HMAC-SHA256 key of the X-Shekara-Signature header' }) secret: string;
}

export class FeedQuery {
  @ApiPropertyOptional({ description: 'A cursor the feed returned; default: what the account acknowledged last' })
  @IsOptional() @IsString() @MaxLength(200)
  after?: string;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class AckRequest {
  @ApiProperty({ description: 'The cursor of the last event processed: it and everything before it is acknowledged' })
  @IsString() @MinLength(1) @MaxLength(200)
  cursor: string;
}

export class AckResponse {
  @ApiProperty({ description: 'The account’s acknowledged position now (never moves back)' }) acked: string;
}

export class FeedMessage {
  @ApiProperty() kind: string;
  @ApiProperty() senderUnit: string;
  @ApiProperty({ type: [String] }) recipientUnits: string[];
  @ApiProperty() correlationId: string;
  @ApiProperty() classification: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) reportedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) period: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) eventAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) confirms: string | null;
  @ApiPropertyOptional({ description: 'Absent when withheld (the account is not cleared for the classification)' }) summary?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The report (proto JSON); absent when withheld' }) payload?: Record<string, unknown>;
  @ApiPropertyOptional() withheld?: boolean;
}

export class FeedEvent {
  @ApiProperty({ description: 'Acknowledge this to acknowledge the event and everything before it' }) cursor: string;
  @ApiProperty({ enum: ['message', 'status'], description: 'message: a report received by the unit; status: a recipient’s status of a report the unit sent changed' })
  type: 'message' | 'status';
  @ApiProperty({ description: 'The bound unit the event is for' }) unitId: string;
  @ApiProperty() at: Date;
  @ApiProperty() messageId: string;
  @ApiProperty({ nullable: true, type: String }) recipientUnit: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['SENT', 'DELIVERED', 'READ', 'DEAD_LETTERED'] }) status: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ type: FeedMessage }) message: FeedMessage;
}

export class FeedPage {
  @ApiProperty({ type: [FeedEvent] }) events: FeedEvent[];
  @ApiProperty({ description: 'Pass as `after` for the next page (the last event’s cursor, or the position asked for when empty)' }) next: string;
  @ApiProperty({ description: 'What the account has acknowledged' }) acked: string;
}

export class SentRecipient {
  @ApiProperty() unitId: string;
  @ApiProperty() agency: string;
  @ApiProperty() status: string;
}

export class SentMessage {
  @ApiProperty() id: string;
  @ApiProperty() kind: string;
  @ApiProperty() senderUnit: string;
  @ApiProperty({ type: [String] }) recipientUnits: string[];
  @ApiProperty() correlationId: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ description: 'The system that sent it (client:<client id>)' }) createdBy: string;
  @ApiProperty({ type: [SentRecipient] }) recipients: SentRecipient[];
}
