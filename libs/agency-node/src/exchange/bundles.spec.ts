import { envelopesOf } from '@shekara/contracts';
import { bundlePublications } from './bundles';

const item = (n: number, subject: string, size = 100) => ({ row: n, subject, data: new Uint8Array(size).fill(n), msgID: `m${n}` });

describe('bundlePublications', () => {
  it('publishes an envelope with no company alone, under its own id and without the bundle header', () => {
    expect(bundlePublications([item(1, 'a'), item(2, 'b')])).toEqual([
      { rows: [1], subject: 'a', data: item(1, 'a').data, msgID: 'm1' },
      { rows: [2], subject: 'b', data: item(2, 'b').data, msgID: 'm2' },
    ]);
  });

  it('bundles envelopes to the same subject, in order; the bundle gives each back byte for byte', () => {
    const items = [item(1, 'a'), item(2, 'b'), item(3, 'a'), item(4, 'a')];
    const pubs = bundlePublications(items);
    expect(pubs.map((p) => [p.subject, p.rows, p.bundle])).toEqual([
      ['a', [1, 3, 4], '3'],
      ['b', [2], undefined],
    ]);
    expect(envelopesOf(pubs[0].data, pubs[0].bundle)).toEqual([items[0].data, items[2].data, items[3].data]);
  });

  it("a bundle's id is made from its envelopes' ids: the same envelopes again make the same id, others another", () => {
    const once = bundlePublications([item(1, 'a'), item(2, 'a')])[0].msgID;
    expect(bundlePublications([item(1, 'a'), item(2, 'a')])[0].msgID).toBe(once);
    expect(bundlePublications([item(1, 'a'), item(3, 'a')])[0].msgID).not.toBe(once);
    expect(once).toMatch(/^bundle-[0-9a-f]{32}$/);
  });

  it('keeps to the limits: envelopes per bundle, bytes per bundle, and a large envelope alone', () => {
    const limits = { maxEnvelopes: 2, maxBytes: 250, aloneBytes: 150 };
    const pubs = bundlePublications([item(1, 'a'), item(2, 'a'), item(3, 'a'), item(4, 'a', 160), item(5, 'b', 120), item(6, 'b', 120), item(7, 'b', 120)], limits);
    expect(pubs.map((p) => p.rows)).toEqual([[1, 2], [4], [5, 6], [3], [7]]);
    expect(pubs.map((p) => p.bundle)).toEqual(['2', undefined, '2', undefined, undefined]);
  });
});
