/**
 * A port of Go's `text/tabwriter` (the elastic-tabstop writer istioctl prints its tables with).
 *
 * Cells are tab-terminated: in `a\tb\tc\n` the cells `a` and `b` belong to columns, `c` (the text
 * after the last tab) does not and is printed as is. A column is a run of consecutive lines that all
 * have a cell in it; its width is the widest cell (counted in Unicode code points, as Go counts
 * runes) plus `padding`, at least `minwidth`. A line with fewer cells ends the column blocks to its
 * right, so a blank line or a line without tabs separates independent tables.
 *
 * istioctl uses `tabwriter.NewWriter(w, 0, 8, 5, ' ', 0)` for most tables (the defaults here),
 * `padding: 1` for `proxy-config listeners` and the bootstrap summary.
 *
 * Not ported: the escape character (0xff) and `FilterHTML`/`StripEscape`, which istioctl never uses.
 */

export interface TabWriterOptions {
  /** Minimal cell width including padding. Go: minwidth. Default 0. */
  minwidth?: number;
  /** Width of a tab in spaces, used when padding with tabs. Go: tabwidth. Default 8. */
  tabwidth?: number;
  /** Added to a cell's width. Go: padding. Default 5. */
  padding?: number;
  /** Pad character: ' ' (default) or '\t'. */
  padchar?: string;
  /** Go's flags: right-align cell content. */
  alignRight?: boolean;
  /** Go's flags: columns whose cells are all empty (and soft-tab terminated) take no width. */
  discardEmptyColumns?: boolean;
  /** Go's flags: pad leading empty cells with tabs, whatever padchar is. */
  tabIndent?: boolean;
  /** Go's flags: print a '|' between columns. */
  debug?: boolean;
}

interface Cell {
  /** The cell's text. */
  text: string;
  /** Width in code points (Go: runes). */
  width: number;
  /** Terminated by a horizontal tab (not a \v soft tab). */
  htab: boolean;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Formats `text` as Go's tabwriter would after one `Write(text)` and `Flush()`. Writing in several
 * chunks gives the same result in Go, so this is the whole behaviour.
 */
export function tabwrite(text: string, options: TabWriterOptions = {}): string {
  const minwidth = options.minwidth ?? 0;
  const tabwidth = options.tabwidth ?? 8;
  const padding = options.padding ?? 5;
  const padchar = options.padchar ?? ' ';

  // Split into lines of cells. '\f' ends a line like '\n' (Go also flushes there, which changes
  // nothing in the output) and prints as '\n'.
  const lines: Cell[][] = [[]];
  let cur = '';
  for (const ch of text) {
    if (ch === '\t' || ch === '\v' || ch === '\n' || ch === '\f') {
      const line = lines[lines.length - 1]!;
      if (ch === '\t' || ch === '\v') {
        line.push({ text: cur, width: runeCount(cur), htab: ch === '\t' });
      } else {
        // A line's last cell is kept even when empty (Go terminates it at '\n').
        line.push({ text: cur, width: runeCount(cur), htab: false });
        lines.push([]);
      }
      cur = '';
    } else {
      cur += ch;
    }
  }
  // Flush: a non-empty trailing cell is added to the last (unterminated) line.
  if (cur.length > 0) lines[lines.length - 1]!.push({ text: cur, width: runeCount(cur), htab: false });

  const out: string[] = [];
  const widths: number[] = [];

  const writePadding = (textw: number, cellw: number, useTabs: boolean): void => {
    if (padchar === '\t' || useTabs) {
      if (tabwidth === 0) return;
      const w = Math.ceil(cellw / tabwidth) * tabwidth;
      const n = w - textw;
      out.push('\t'.repeat(Math.ceil(n / tabwidth)));
      return;
    }
    out.push(padchar.repeat(Math.max(0, cellw - textw)));
  };

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      let useTabs = options.tabIndent === true;
      line.forEach((c, j) => {
        if (j > 0 && options.debug) out.push('|');
        if (c.text.length === 0) {
          if (j < widths.length) writePadding(c.width, widths[j]!, useTabs);
        } else {
          useTabs = false;
          if (!options.alignRight) {
            out.push(c.text);
            if (j < widths.length) writePadding(c.width, widths[j]!, false);
          } else {
            if (j < widths.length) writePadding(c.width, widths[j]!, false);
            out.push(c.text);
          }
        }
      });
      // The last buffered line has no newline of its own.
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  const format = (line0In: number, line1: number): void => {
    let line0 = line0In;
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      // A cell exists in this column: print the lines above, then measure the block.
      writeLines(line0, t);
      line0 = t;
      let width = minwidth;
      let discardable = true;
      for (; t < line1; t++) {
        const line = lines[t]!;
        if (column >= line.length - 1) break;
        const c = line[column]!;
        const w = c.width + padding;
        if (w > width) width = w;
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && options.discardEmptyColumns) width = 0;
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t;
      // As in Go, the loop's t++ then skips line t: it has no cell in this column anyway.
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('');
}

/** Convenience: rows of cells joined by tabs, each row ended by '\n', then formatted. */
export function tabwriteRows(rows: ReadonlyArray<ReadonlyArray<string>>, options: TabWriterOptions = {}): string {
  return tabwrite(rows.map((r) => r.join('\t') + '\n').join(''), options);
}
