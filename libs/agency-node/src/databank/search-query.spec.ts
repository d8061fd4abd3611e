import { queryWords, tsQueries } from './search-query';

describe('search query', () => {
  it('keeps words only, in any script', () => {
    expect(queryWords("Паспорт & | ! (ҚҰЖАТ) fake':*")).toEqual(['паспорт', 'құжат', 'fake']);
  });
  it('matches Kazakh word forms by prefix, Russian and English by their stemmers', () => {
    expect(tsQueries('жалған құжат ІІМ')).toEqual({ ru: 'жалған & құжат & іім', kk: 'жалған:* & құжат:* & іім', en: 'жалған & құжат & іім' });
  });
});
