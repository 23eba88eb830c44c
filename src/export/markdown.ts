/**
 * Markdown (docs/accuracy.md) as report blocks: headings, paragraphs, lists and tables, with
 * inline emphasis and code kept as runs of text. Parsed with `marked`'s lexer; nothing of the
 * Markdown syntax reaches the reader, in HTML or PDF.
 */
import { lexer, type Token, type Tokens } from 'marked';

/** A run of text, bold or in a monospace face. */
export interface Run {
  text: string;
  bold?: boolean;
  code?: boolean;
}

export type MarkdownBlock =
  | { kind: 'heading'; level: number; runs: Run[] }
  | { kind: 'para'; runs: Run[] }
  | { kind: 'list'; items: ListItem[] }
  | { kind: 'table'; head: Run[][]; rows: Run[][][] };

const decode = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Inline tokens as runs: emphasis and links become their text, code spans monospace. */
export function runs(tokens: readonly Token[] | undefined, bold = false): Run[] {
  const out: Run[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'strong':
        out.push(...runs((t as Tokens.Strong).tokens, true));
        break;
      case 'em':
      case 'del':
      case 'link':
        out.push(...runs((t as Tokens.Em).tokens, bold));
        break;
      case 'codespan':
        out.push({ text: decode((t as Tokens.Codespan).text), code: true, ...(bold ? { bold } : {}) });
        break;
      case 'br':
        out.push({ text: '\n' });
        break;
      case 'text': {
        const tt = t as Tokens.Text;
        if (tt.tokens && tt.tokens.length > 0) out.push(...runs(tt.tokens, bold));
        else out.push({ text: decode(tt.text), ...(bold ? { bold } : {}) });
        break;
      }
      default:
        out.push({
          text: decode('text' in t && typeof t.text === 'string' ? t.text : t.raw),
          ...(bold ? { bold } : {}),
        });
    }
  }
  // soft line breaks of the source are spaces to the reader
  for (const r of out) if (r.text !== '\n') r.text = r.text.replace(/[ \t]*\n[ \t]*/g, ' ');
  // adjacent runs of one style joined
  const merged: Run[] = [];
  for (const r of out) {
    const last = merged.at(-1);
    if (last && Boolean(last.bold) === Boolean(r.bold) && Boolean(last.code) === Boolean(r.code))
      last.text += r.text;
    else merged.push({ ...r });
  }
  return merged;
}

/** The text of runs, for searching and plain output. */
export const plainRuns = (rs: readonly Run[]): string => rs.map((r) => r.text).join('');

/** A list item; `depth` 0 for a top-level item, 1 for one nested in it, … */
export interface ListItem {
  runs: Run[];
  depth: number;
}

/** A list's items, nested lists flattened after their parent item with a greater depth. */
function listItems(list: Tokens.List, depth: number): ListItem[] {
  const out: ListItem[] = [];
  for (const item of list.items) {
    const own = item.tokens.filter((x) => x.type === 'text' || x.type === 'paragraph');
    out.push({ runs: runs(own), depth });
    for (const x of item.tokens) if (x.type === 'list') out.push(...listItems(x as Tokens.List, depth + 1));
  }
  return out;
}

/** Markdown text as blocks. */
export function markdownBlocks(md: string): MarkdownBlock[] {
  const out: MarkdownBlock[] = [];
  const walk = (tokens: readonly Token[]): void => {
    for (const t of tokens) {
      switch (t.type) {
        case 'heading': {
          const h = t as Tokens.Heading;
          out.push({ kind: 'heading', level: h.depth, runs: runs(h.tokens) });
          break;
        }
        case 'paragraph':
          out.push({ kind: 'para', runs: runs((t as Tokens.Paragraph).tokens) });
          break;
        case 'list':
          out.push({ kind: 'list', items: listItems(t as Tokens.List, 0) });
          break;
        case 'table': {
          const tb = t as Tokens.Table;
          out.push({
            kind: 'table',
            head: tb.header.map((c) => runs(c.tokens)),
            rows: tb.rows.map((r) => r.map((c) => runs(c.tokens))),
          });
          break;
        }
        case 'code':
          out.push({ kind: 'para', runs: [{ text: (t as Tokens.Code).text, code: true }] });
          break;
        case 'blockquote':
          walk((t as Tokens.Blockquote).tokens);
          break;
        default:
          break; // space, hr, html: nothing for the reader
      }
    }
  };
  walk(lexer(md));
  return out;
}
