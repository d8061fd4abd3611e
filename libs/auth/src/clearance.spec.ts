import { mayRead } from './user.entity';

describe('mayRead', () => {
  it.each([
    ['UNCLASSIFIED', 'CLASSIFICATION_UNCLASSIFIED', true],
    ['UNCLASSIFIED', 'CLASSIFICATION_UNSPECIFIED', true],
    ['UNCLASSIFIED', 'CLASSIFICATION_FOR_OFFICIAL_USE', false],
    ['FOR_OFFICIAL_USE', 'CLASSIFICATION_FOR_OFFICIAL_USE', true],
    ['FOR_OFFICIAL_USE', 'CONFIDENTIAL', false],
    ['CONFIDENTIAL', 'CLASSIFICATION_CONFIDENTIAL', true],
    ['CONFIDENTIAL', 'FOR_OFFICIAL_USE', true],
    ['CONFIDENTIAL', 'SECRET', false],
  ] as const)('%s reads %s: %s', (clearance, classification, ok) => expect(mayRead(clearance, classification)).toBe(ok));
});
