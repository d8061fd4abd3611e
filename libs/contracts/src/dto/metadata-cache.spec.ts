import { IsInt, IsString, Min, ValidateNested, validateSync } from 'class-validator';
import { Type, plainToInstance } from 'class-transformer';
import { cacheValidationMetadata } from './metadata-cache';

cacheValidationMetadata();
cacheValidationMetadata(); // once per process, however often it is called

class Base {
  @IsString() id!: string;
}
class Item extends Base {
  @IsInt() @Min(1) count!: number;
}
class Order {
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

const errors = (plain: unknown) =>
  validateSync(plainToInstance(Order, plain), { forbidUnknownValues: true }).flatMap((e) =>
    (e.children ?? []).flatMap((c) => (c.children ?? []).map((g) => `${e.property}.${c.property}.${g.property}: ${Object.keys(g.constraints ?? {}).join(',')}`)),
  );

describe('cacheValidationMetadata', () => {
  it('validates as class-validator does, inherited rules included, every time', () => {
    for (let i = 0; i < 3; i++) {
      expect(errors({ items: [{ id: 'a', count: 2 }] })).toEqual([]);
      expect(errors({ items: [{ id: 7, count: 0 }, { id: 'b', count: 1 }] })).toEqual(['items.0.count: min', 'items.0.id: isString']);
    }
  });

  it('sees rules registered after a lookup (a module loaded later)', () => {
    expect(errors({ items: [{ id: 'a', count: 2 }] })).toEqual([]);
    class Later {
      @IsString() name!: string;
    }
    expect(validateSync(plainToInstance(Later, { name: 3 })).map((e) => e.property)).toEqual(['name']);
    // Adding to a class already looked up (as a decorator evaluated later would) is seen too.
    IsString()(Item.prototype, 'note');
    expect(errors({ items: [{ id: 'a', count: 2, note: 5 }] })).toEqual(['items.0.note: isString']);
  });
});
