/** Go's text/tabwriter examples (src/text/tabwriter/example_test.go) and istioctl's table settings. */
import { describe, expect, it } from 'vitest';
import { tabwrite, tabwriteRows } from './tabwriter';

describe('tabwrite', () => {
  it('reproduces Go Example_elastic', () => {
    const out = tabwrite('a\tb\tc\naa\tbb\tcc\naaa\t\naaaa\tdddd\teeee\n', { minwidth: 0, tabwidth: 0, padding: 1, padchar: '.', alignRight: true, debug: true });
    expect(out).toBe('....a|..b|c\n...aa|.bb|cc\n..aaa|\n.aaaa|.dddd|eeee\n');
  });

  it('reproduces Go Example_trailingTab', () => {
    const out = tabwrite('a\tb\taligned\t\naa\tbb\taligned\t\naaa\tbbb\tunaligned\naaaa\tbbbb\taligned\t\n', { tabwidth: 0, padding: 3, padchar: '-', alignRight: true, debug: true });
    expect(out).toBe('------a|------b|---aligned|\n-----aa|-----bb|---aligned|\n----aaa|----bbb|unaligned\n---aaaa|---bbbb|---aligned|\n');
  });

  it('reproduces Go ExampleWriter_Init (tab padding, then right-aligned with minwidth)', () => {
    const text = 'a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n';
    expect(tabwrite(text, { minwidth: 0, tabwidth: 8, padding: 0, padchar: '\t' })).toBe('a\tb\tc\td\t\t.\n123\t12345\t1234567\t123456789\t.\n\n');
    expect(tabwrite(text, { minwidth: 5, tabwidth: 0, padding: 1, alignRight: true })).toBe('    a     b       c         d.\n  123 12345 1234567 123456789.\n\n');
  });

  it("pads each column to its widest cell + 5 and leaves the last cell alone (istioctl's settings)", () => {
    const out = tabwriteRows([
      ['NAME', 'CLUSTER', 'VERSION'],
      ['proxy1', 'cluster1', '1.20'],
      ['', 'c', ''],
    ]);
    expect(out).toBe('NAME       CLUSTER      VERSION\nproxy1     cluster1     1.20\n           c            \n');
  });

  it('counts code points, not UTF-16 units or bytes', () => {
    expect(tabwriteRows([['é😀', 'x'], ['ab', 'y']], { padding: 1 })).toBe('é😀 x\nab y\n');
  });

  it('ends column blocks at lines with fewer cells, and keeps text without a final newline', () => {
    expect(tabwrite('a\tb\n\nlonger\tc\nno newline', { padding: 1 })).toBe('a b\n\nlonger c\nno newline');
    expect(tabwrite('')).toBe('');
  });

  it('discards empty soft-tab columns on request', () => {
    expect(tabwrite('a\v\vb\n', { padding: 1, discardEmptyColumns: true })).toBe('a b\n');
    expect(tabwrite('a\v\vb\n', { padding: 1 })).toBe('a  b\n');
  });
});
