/**
 * A small HTML tokenizer after the WHATWG tokenizer states that matter for injected markup: tags
 * with attributes (double-, single-, back-quoted and unquoted values; back quotes as old IE read
 * them), end tags (whose attributes old browsers honoured), comments, `<!...>` declarations and
 * `<?...>` processing instructions. It can start in the middle of a tag, inside an attribute value,
 * which is where an injected value often lands (`<input value="{input}">`). One pass, linear.
 */

export interface HtmlAttribute {
  /** Lower-cased name as the browser sees it. */
  name: string;
  /** The raw value (character references not decoded), or undefined for a bare attribute. */
  value: string | undefined;
  start: number;
}

export interface HtmlTag {
  kind: 'start' | 'end' | 'comment' | 'declaration' | 'instruction';
  /** Lower-cased tag name; for comments and declarations, their text. */
  name: string;
  attributes: HtmlAttribute[];
  start: number;
  /** The tag reached `>` (an unclosed tag may still be completed by the page around it). */
  closed: boolean;
}

/** Where the tokenizer starts: in text, or inside an attribute value of an open tag. */
export type HtmlContext = 'text' | 'double-quoted' | 'single-quoted' | 'back-quoted' | 'unquoted';

const MAX_TAGS = 2048;

function isSpace(code: number): boolean {
  // Vertical tab too: old IE separated attributes with it.
  return code === 32 || (code >= 9 && code <= 13);
}

function isAsciiLetter(code: number): boolean {
  const lower = code | 0x20;
  return lower >= 97 && lower <= 122;
}

class Tokenizer {
  readonly tags: HtmlTag[] = [];
  private pos = 0;

  constructor(private readonly text: string) {}

  run(context: HtmlContext): void {
    if (context !== 'text') {
      const tag: HtmlTag = { kind: 'start', name: '', attributes: [], start: 0, closed: false };
      this.pos = this.skipValue(0, context);
      this.tags.push(tag);
      this.attributes(tag);
    }
    const { text } = this;
    while (this.pos < text.length && this.tags.length < MAX_TAGS) {
      const lt = text.indexOf('<', this.pos);
      if (lt < 0) return;
      this.pos = lt + 1;
      const code = text.charCodeAt(this.pos);
      if (isAsciiLetter(code)) this.tag('start', lt);
      else if (code === 47 /* / */ && isAsciiLetter(text.charCodeAt(this.pos + 1))) {
        this.pos++;
        this.tag('end', lt);
      } else if (code === 33 /* ! */) this.bogus(lt, text.startsWith('--', this.pos + 1) ? 'comment' : 'declaration');
      else if (code === 63 /* ? */) this.bogus(lt, 'instruction');
      else if (code === 47 && text.charCodeAt(this.pos + 1) !== 62) this.bogus(lt, 'comment');
    }
  }

  /** Skips the rest of an attribute value the context opened; returns where the tag resumes. */
  private skipValue(from: number, context: HtmlContext): number {
    const { text } = this;
    if (context === 'unquoted') {
      let at = from;
      while (at < text.length && !isSpace(text.charCodeAt(at)) && text.charCodeAt(at) !== 62) at++;
      return at;
    }
    const quote = context === 'double-quoted' ? '"' : context === 'single-quoted' ? "'" : '`';
    const close = text.indexOf(quote, from);
    return close < 0 ? text.length : close + 1;
  }

  private tag(kind: 'start' | 'end', start: number): void {
    const { text } = this;
    let at = this.pos;
    while (at < text.length && !isSpace(text.charCodeAt(at)) && text.charCodeAt(at) !== 47 && text.charCodeAt(at) !== 62) at++;
    const tag: HtmlTag = { kind, name: text.slice(this.pos, at).toLowerCase(), attributes: [], start, closed: false };
    this.pos = at;
    this.tags.push(tag);
    this.attributes(tag);
  }

  /** Attributes up to `>` (or the end of the input). */
  private attributes(tag: HtmlTag): void {
    const { text } = this;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === 62 /* > */) {
        this.pos++;
        tag.closed = true;
        return;
      }
      if (isSpace(code) || code === 47 /* / */) {
        this.pos++;
        continue;
      }
      const nameStart = this.pos;
      let at = this.pos + 1; // a leading `=` belongs to the name
      while (at < text.length) {
        const c = text.charCodeAt(at);
        if (isSpace(c) || c === 47 || c === 62 || c === 61) break;
        at++;
      }
      const attribute: HtmlAttribute = { name: text.slice(nameStart, at).toLowerCase(), value: undefined, start: nameStart };
      tag.attributes.push(attribute);
      while (at < text.length && isSpace(text.charCodeAt(at))) at++;
      if (text.charCodeAt(at) !== 61 /* = */) {
        this.pos = at;
        continue;
      }
      at++;
      while (at < text.length && isSpace(text.charCodeAt(at))) at++;
      const quote = text.charAt(at);
      if (quote === '"' || quote === "'" || quote === '`') {
        const close = text.indexOf(quote, at + 1);
        const end = close < 0 ? text.length : close;
        attribute.value = text.slice(at + 1, end);
        this.pos = close < 0 ? text.length : close + 1;
      } else {
        let end = at;
        while (end < text.length && !isSpace(text.charCodeAt(end)) && text.charCodeAt(end) !== 62) end++;
        attribute.value = text.slice(at, end);
        this.pos = end;
      }
    }
  }

  /** Comments, `<!DOCTYPE ...>`, `<![CDATA[...]]>`, `<?...>`: kept whole, up to their end. */
  private bogus(start: number, kind: 'comment' | 'declaration' | 'instruction'): void {
    const { text } = this;
    const terminator = kind === 'comment' && text.startsWith('!--', this.pos) ? '-->' : '>';
    const close = text.indexOf(terminator, this.pos);
    const end = close < 0 ? text.length : close;
    this.tags.push({ kind, name: text.slice(this.pos, end), attributes: [], start, closed: close >= 0 });
    this.pos = close < 0 ? text.length : close + terminator.length;
  }
}

/** The tags in `text`, read from `context`. */
export function tokenizeHtml(text: string, context: HtmlContext = 'text'): HtmlTag[] {
  const tokenizer = new Tokenizer(text);
  tokenizer.run(context);
  return tokenizer.tags;
}
