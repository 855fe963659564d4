/**
 * Turns a child's stdout/stderr into redacted lines. Text is held until a newline so a secret
 * split across two chunks is still found whole; a line longer than `maxLine` is cut, keeping
 * back enough of its end to catch a secret that straddles the cut.
 */
export class OutputRedactor {
  private pending = "";

  constructor(
    private readonly redact: (text: string) => string,
    private readonly longestSecret: () => number,
    private readonly emit: (line: string) => void,
    private readonly maxLine = 16_384,
  ) {}

  write(chunk: string): void {
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf("\n")) >= 0) {
      this.out(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
    }
    if (this.pending.length > this.maxLine) {
      const keep = Math.min(this.pending.length, Math.max(0, this.longestSecret() - 1));
      // Redact the whole buffer first, so the part sent cannot end inside a secret.
      const redacted = this.redact(this.pending);
      const cut = Math.max(0, redacted.length - keep);
      this.out(redacted.slice(0, cut));
      this.pending = redacted.slice(cut);
    }
  }

  /** Emits what is left (the process ended without a final newline). */
  end(): void {
    if (this.pending.length > 0) this.out(this.pending);
    this.pending = "";
  }

  private out(line: string): void {
    const text = this.redact(line.replace(/\r$/, ""));
    if (text.trim().length > 0) this.emit(text);
  }
}
