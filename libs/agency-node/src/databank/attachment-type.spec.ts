import { sniffAttachmentType } from './attachment-type';

/** A ZIP archive of stored (uncompressed) entries, as office documents are containers of (CRCs left 0: not read). */
function zip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const n = Buffer.from(name);
    const data = Buffer.from(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    locals.push(local, n, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('sniffAttachmentType', () => {
  it('tells the types the bank takes from their bytes', () => {
    expect(sniffAttachmentType(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'))).toBe('application/pdf');
    expect(sniffAttachmentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]))).toBe('image/jpeg');
    expect(sniffAttachmentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe('image/png');
    expect(sniffAttachmentType(Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).toBe('image/tiff');
    expect(sniffAttachmentType(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toBe('image/tiff');
    expect(sniffAttachmentType(zip([['[Content_Types].xml', '<Types/>'], ['word/document.xml', '<w:document/>']]))).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(sniffAttachmentType(zip([['[Content_Types].xml', '<Types/>'], ['xl/workbook.xml', '<workbook/>']]))).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(sniffAttachmentType(zip([['mimetype', 'application/vnd.oasis.opendocument.text'], ['content.xml', '<office:document-content/>']]))).toBe(
      'application/vnd.oasis.opendocument.text',
    );
  });

  it('refuses executables, scripts, archives and legacy containers whatever their name', () => {
    expect(sniffAttachmentType(Buffer.from('MZ\x90\x00\x03\x00\x00\x00PE\0\0', 'latin1'))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from('\x7fELF\x02\x01\x01', 'latin1'))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from('#!/bin/sh\nrm -rf /\n'))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from('<html><script>alert(1)</script>'))).toBeUndefined();
    // A PDF signature later than byte 0 (a polyglot) is not a PDF.
    expect(sniffAttachmentType(Buffer.from('MZ....%PDF-1.4', 'latin1'))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBeUndefined();
    expect(sniffAttachmentType(zip([['payload.exe', 'MZ']]))).toBeUndefined();
    expect(sniffAttachmentType(zip([['mimetype', 'application/x-evil'], ['a', 'b']]))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.alloc(0))).toBeUndefined();
  });
});
