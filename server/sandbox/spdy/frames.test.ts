import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary';
import { controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, FLAG_FIN, FrameReader, FrameType, HeaderCompression, u32 } from './frames';

describe('SPDY/3 framing', () => {
  it('has the draft-3 header dictionary (1423 bytes, zlib dictionary id e3c6a7c2)', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    const z = deflateSync(Buffer.alloc(4), { dictionary: SPDY3_DICTIONARY });
    expect(z.subarray(2, 6).toString('hex')).toBe('e3c6a7c2');
  });

  it('splits a byte stream into control and data frames, across chunk boundaries', () => {
    const bytes = Buffer.concat([controlFrame(FrameType.PING, 0, u32(7)), dataFrame(3, FLAG_FIN, Buffer.from('hello'))]);
    const r = new FrameReader();
    const frames = [...r.push(bytes.subarray(0, 5)), ...r.push(bytes.subarray(5, 15)), ...r.push(bytes.subarray(15))];
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ control: true, version: 3, type: FrameType.PING });
    expect(frames[1]).toMatchObject({ control: false, streamId: 3, flags: FLAG_FIN });
    expect((frames[1] as { payload: Buffer }).payload.toString()).toBe('hello');
  });

  it('round-trips header blocks through one compression context per direction', async () => {
    const a = new HeaderCompression();
    const b = new HeaderCompression();
    for (let i = 0; i < 3; i++) {
      const block = await a.encode([['streamType', 'data'], ['port', String(15000 + i)], ['requestID', String(i)]]);
      const h = await b.decode(block);
      expect(Object.fromEntries([...h].map(([k, v]) => [k, v[0]]))).toEqual({ streamtype: 'data', port: String(15000 + i), requestid: String(i) });
    }
    a.close();
    b.close();
    expect(decodeHeaderBlock(encodeHeaderBlock([['x', 'a\0b']])).get('x')).toEqual(['a', 'b']);
  });
});
