/**
 * Drift check between a DTO class and its proto message, used by the drift spec: the DTO must
 * validate exactly the message's fields (by JSON name), each with the validator of its proto type:
 *
 * - repeated ↔ `isArray`;
 * - string → `isString`, 32-bit integers → `isInt`, bool → `isBoolean`, bytes → `isBase64Bytes`;
 * - enum → `isProtoEnum` of that very enum;
 * - google.protobuf.Timestamp → `isProtoTimestamp`;
 * - any other message → nested validation with `@Type` the message's registered DTO.
 *
 * It reads the metadata class-validator and class-transformer actually use, so what it checks is
 * what runs.
 */
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { DtoClass } from './decorators';

// class-transformer does not export its metadata storage from the package root.
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage })
  .defaultMetadataStorage;

/** The validators that state a property's JSON type; a property must have exactly the right one. */
const TYPE_VALIDATORS = ['isString', 'isInt', 'isBoolean', 'isBase64Bytes', 'isProtoEnum', 'isProtoTimestamp', 'nested'] as const;
type TypeValidator = (typeof TYPE_VALIDATORS)[number];

const TIMESTAMP = 'google.protobuf.Timestamp';

function expectedTypeValidator(field: DescField): TypeValidator | string {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind;
  switch (kind) {
    case 'enum':
      return 'isProtoEnum';
    case 'message':
      return field.message?.typeName === TIMESTAMP ? 'isProtoTimestamp' : 'nested';
    case 'scalar':
      switch (field.scalar) {
        case ScalarType.STRING:
          return 'isString';
        case ScalarType.UINT32:
        case ScalarType.INT32:
        case ScalarType.SINT32:
        case ScalarType.FIXED32:
        case ScalarType.SFIXED32:
          return 'isInt';
        case ScalarType.BOOL:
          return 'isBoolean';
        case ScalarType.BYTES:
          return 'isBase64Bytes';
        default:
          return `unsupported scalar type ${ScalarType[field.scalar as ScalarType]}: add a validator for it`;
      }
    default:
      return `unsupported field kind ${kind}: add a validator for it`;
  }
}

function typeValidatorsOf(metas: ValidationMetadata[]): Set<TypeValidator> {
  const found = new Set<TypeValidator>();
  for (const m of metas) {
    if (m.type === 'nestedValidation') found.add('nested');
    else if (m.type === 'customValidation' && (TYPE_VALIDATORS as readonly string[]).includes(m.name ?? '')) {
      found.add(m.name as TypeValidator);
    }
  }
  return found;
}

/**
 * Differences between `dto` and the message `desc`, as readable lines (empty when they agree).
 * `dtoOf` gives the DTO expected for a nested message.
 */
export function checkDrift(desc: DescMessage, dto: DtoClass, dtoOf: (m: DescMessage) => DtoClass | undefined): string[] {
  const problems: string[] = [];
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);

  const jsonNames = new Set(desc.fields.map((f) => f.jsonName));
  for (const property of byProperty.keys()) {
    if (!jsonNames.has(property)) problems.push(`${dto.name}.${property}: ${desc.typeName} has no such field`);
  }

  for (const field of desc.fields) {
    const where = `${dto.name}.${field.jsonName}`;
    const fieldMetas = byProperty.get(field.jsonName);
    if (!fieldMetas) {
      problems.push(`${where}: missing, ${desc.typeName} has field ${field.name}`);
      continue;
    }
    const repeated = field.fieldKind === 'list';
    const isArray = fieldMetas.some((m) => m.type === 'customValidation' && m.name === 'isArray');
    if (repeated && !isArray) problems.push(`${where}: repeated in proto but not validated as an array`);
    if (!repeated && isArray) problems.push(`${where}: singular in proto but validated as an array`);

    const expected = expectedTypeValidator(field);
    const found = [...typeValidatorsOf(fieldMetas)];
    if (found.length !== 1 || found[0] !== expected) {
      problems.push(`${where}: expected type validator ${expected}, found ${found.join(', ') || 'none'}`);
      continue;
    }
    if (expected === 'isProtoEnum') {
      const constraint = fieldMetas.find((m) => m.name === 'isProtoEnum')?.constraints?.[0] as { typeName?: string } | undefined;
      if (constraint?.typeName !== field.enum?.typeName) {
        problems.push(`${where}: validated as enum ${constraint?.typeName}, proto enum is ${field.enum?.typeName}`);
      }
    }
    if (expected === 'nested' && field.message) {
      const want = dtoOf(field.message);
      const got = transformerStorage.findTypeMetadata(dto, field.jsonName)?.typeFunction();
      if (!want) problems.push(`${where}: no DTO registered for ${field.message.typeName}`);
      else if (got !== want) problems.push(`${where}: nested type is ${got?.name ?? 'not declared'}, expected ${want.name}`);
    }
  }
  return problems;
}
