/**
 * Says where text stops being JSON: "unexpected '}' at position 6 (line 1, column 7)". V8's own
 * messages name a position only for some errors and quote the body for others (echoing a payload
 * back, secrets and all); this scanner finds the offending offset for every error, in one pass.
 */
export function describeJsonError(text: string): string {
  const scanner = new Scanner(text);
  try {
    scanner.document();
    return 'it could not be parsed';
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    const before = text.slice(0, error.position);
    const line = before.split('\n').length;
    const column = error.position - before.lastIndexOf('\n');
    return `${error.message} at position ${error.position} (line ${line}, column ${column})`;
  }
}

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];

class Scanner {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.space();
    if (this.at < this.text.length) this.fail('unexpected text after the JSON value');
  }

  private fail(message?: string): never {
    if (this.at >= this.text.length) throw new JsonSyntax('unexpected end of input', this.at);
    throw new JsonSyntax(message ?? `unexpected ${JSON.stringify(this.text[this.at])}`, this.at);
  }

  private space(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at++;
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) this.fail();
    this.at++;
  }

  private value(): void {
    this.space();
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    const literal = LITERALS.find((word) => this.text.startsWith(word, this.at));
    if (literal) {
      this.at += literal.length;
      return;
    }
    NUMBER.lastIndex = this.at;
    if (NUMBER.exec(this.text)) {
      this.at = NUMBER.lastIndex;
      return;
    }
    this.fail();
  }

  private object(): void {
    this.at++;
    this.space();
    if (this.text[this.at] === '}') return void this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail();
      this.string();
      this.expect(':');
      this.value();
      this.space();
      if (this.text[this.at] === '}') return void this.at++;
      this.expect(',');
    }
  }

  private array(): void {
    this.at++;
    this.space();
    if (this.text[this.at] === ']') return void this.at++;
    for (;;) {
      this.value();
      this.space();
      if (this.text[this.at] === ']') return void this.at++;
      this.expect(',');
    }
  }

  private string(): void {
    this.at++;
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) this.fail();
      if (char === '"') return void this.at++;
      if (char.charCodeAt(0) < 0x20) this.fail('unescaped control character in a string');
      if (char === '\\') {
        const next = this.text[this.at + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) this.at += 6;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) this.at += 2;
        else {
          this.at++;
          this.fail('bad escape in a string');
        }
      } else this.at++;
    }
  }
}
