import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DescFile, DescMessage } from '@bufbuild/protobuf';
import { SmugglingSchema } from '../gen/shekara/v1/urgent_pb';
import { PersonSchema, SexSchema, TravelDocumentSchema } from '../gen/shekara/v1/common_pb';
import { Alpha3, AttachmentDto, PersonDto } from './common.dto';
import { CalendarDate, Nested, NestedList, ProtoEnum, Text, UInt } from './decorators';
import { checkDrift } from './drift';
import { BUS_ONLY_MESSAGES, DTO_REGISTRY, dtoFor } from './registry';

/** Every message of every generated file of the package, found by listing the gen directory. */
function allGeneratedMessages(): DescMessage[] {
  const dir = join(__dirname, '../gen/shekara/v1');
  const files: DescFile[] = readdirSync(dir)
    .filter((f) => f.endsWith('_pb.ts'))
    .flatMap((f) => Object.values(require(join(dir, f)) as Record<string, unknown>))
    .filter((v): v is DescFile => typeof v === 'object' && v !== null && (v as DescFile).kind === 'file');
  expect(files.length).toBeGreaterThanOrEqual(6);
  const out: DescMessage[] = [];
  const walk = (m: DescMessage) => {
    out.push(m);
    m.nestedMessages.forEach(walk);
  };
  files.forEach((f) => f.messages.forEach(walk));
  return out;
}

describe('DTO ↔ proto drift', () => {
  it.each(DTO_REGISTRY.map(([desc, dto]) => [desc.typeName, desc, dto] as const))('%s agrees with its DTO', (_name, desc, dto) => {
    expect(checkDrift(desc, dto, dtoFor)).toEqual([]);
  });

  it('registers a DTO for every message of shekara.v1 but the bus-only ones', () => {
    const busOnly = new Set(BUS_ONLY_MESSAGES.map((m) => m.typeName));
    const missing = allGeneratedMessages()
      .map((m) => m.typeName)
      .filter((n) => !busOnly.has(n) && !dtoFor({ typeName: n } as DescMessage));
    expect(missing).toEqual([]);
    const registered = DTO_REGISTRY.map(([d]) => d.typeName);
    expect(new Set(registered).size).toBe(registered.length);
  });
});

describe('the drift check catches', () => {
  it('a missing field', () => {
    class NoIssuingState {
      @ProtoEnum(TravelDocumentSchema.field.type.enum!)
      type!: string;
      @Text({ max: 32 })
      number!: string;
    }
    expect(checkDrift(TravelDocumentSchema, NoIssuingState, dtoFor)).toEqual([
      'NoIssuingState.issuingState: missing, shekara.v1.TravelDocument has field issuing_state',
    ]);
  });

  it('an extra field, a wrong enum and a wrong scalar type', () => {
    class Drifted {
      @ProtoEnum(SexSchema)
      type!: string;
      @UInt({ max: 10 })
      number!: number;
      @Alpha3()
      issuingState!: string;
      @CalendarDate()
      expiresOn!: string;
    }
    expect(checkDrift(TravelDocumentSchema, Drifted, dtoFor)).toEqual([
      'Drifted.expiresOn: shekara.v1.TravelDocument has no such field',
      'Drifted.type: validated as enum shekara.v1.Sex, proto enum is shekara.v1.DocumentType',
      'Drifted.number: expected type validator isString, found isInt',
    ]);
  });

  it('a singular DTO property for a repeated field and a nested DTO of the wrong type', () => {
    class SingleSuspect {
      @ProtoEnum(SmugglingSchema.field.goodsCategory.enum!)
      goodsCategory!: string;
      @Text({ max: 2000 })
      description!: string;
      @Text({ presence: 'optional', max: 200 })
      quantity?: string;
      @ProtoEnum(SmugglingSchema.field.stage.enum!)
      stage!: string;
      @Text({ presence: 'optional', max: 4000 })
      channel?: string;
      @Text({ presence: 'optional', max: 200 })
      borderSection?: string;
      @Nested(() => PersonDto, 'optional')
      suspects?: PersonDto;
    }
    expect(checkDrift(SmugglingSchema, SingleSuspect, dtoFor)).toEqual([
      'SingleSuspect.suspects: repeated in proto but not validated as an array',
    ]);

    class WrongTravelDocument extends PersonDto {}
    Nested(() => AttachmentDto, 'optional')(WrongTravelDocument.prototype, 'travelDocument');
    expect(checkDrift(PersonSchema, WrongTravelDocument, dtoFor)).toEqual([
      'WrongTravelDocument.travelDocument: nested type is AttachmentDto, expected TravelDocumentDto',
    ]);

    class ListForSingle extends PersonDto {}
    NestedList(() => AttachmentDto, { min: 0, max: 1 })(ListForSingle.prototype, 'travelDocument');
    expect(checkDrift(PersonSchema, ListForSingle, dtoFor)).toContain(
      'ListForSingle.travelDocument: singular in proto but validated as an array',
    );
  });
});
