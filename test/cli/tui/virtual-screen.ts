// A small terminal emulator for tests: applies what a program writes (text, CR/LF, the CSI
// cursor and erase sequences of ECMA-48 §8.3 that Ink uses) to a grid of cells, so a test reads
// the screen as a person sees it rather than the stream of redraws. Colours and modes are
// ignored; unknown sequences are skipped.

export class VirtualScreen {
  private grid: string[][];
  private row = 0;
  private col = 0;
  /** Set after writing the last column: the next character wraps (VT100 deferred wrap). */
  private wrapNext = false;
  private pending = "";
  /**
   * Inside a synchronized update (DEC mode 2026, which Ink brackets each frame with): a real
   * terminal shows nothing of it until it ends, so neither should a test look.
   */
  updating = false;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    this.grid = Array.from({ length: rows }, () => this.blankRow());
  }

  private blankRow(): string[] {
    return Array.from({ length: this.columns }, () => " ");
  }

  /** The screen as lines, trailing spaces removed. */
  text(): string {
    return this.grid.map((r) => r.join("").trimEnd()).join("\n");
  }

  lines(): string[] {
    return this.grid.map((r) => r.join("").trimEnd());
  }

  write(data: string): void {
    const s = this.pending + data;
    this.pending = "";
    let i = 0;
    while (i < s.length) {
      const ch = s[i]!;
      if (ch === "\x1b") {
        const used = this.escape(s, i);
        if (used === 0) {
          // Incomplete sequence: keep it for the next chunk.
          this.pending = s.slice(i);
          return;
        }
        i += used;
        continue;
      }
      i++;
      if (ch === "\r") {
        this.col = 0;
        this.wrapNext = false;
      } else if (ch === "\n") this.lineFeed();
      else if (ch === "\b") this.col = Math.max(0, this.col - 1);
      else if (ch === "\t")
        this.col = Math.min(this.columns - 1, (Math.floor(this.col / 8) + 1) * 8);
      else if (ch >= " " && ch !== "\x7f") this.put(ch);
    }
  }

  private put(ch: string): void {
    if (this.wrapNext) {
      this.col = 0;
      this.lineFeed();
      this.wrapNext = false;
    }
    this.grid[this.row]![this.col] = ch;
    if (this.col === this.columns - 1) this.wrapNext = true;
    else this.col++;
  }

  private lineFeed(): void {
    this.wrapNext = false;
    if (this.row === this.rows - 1) {
      this.grid.shift();
      this.grid.push(this.blankRow());
    } else this.row++;
  }

  /** Applies the escape sequence at `s[i]`; returns its length, or 0 if it is incomplete. */
  private escape(s: string, i: number): number {
    const next = s[i + 1];
    if (next === undefined) return 0;
    if (next === "]") {
      // OSC: up to BEL or ST.
      for (let j = i + 2; j < s.length; j++) {
        if (s[j] === "\x07") return j - i + 1;
        if (s[j] === "\x1b" && s[j + 1] === "\\") return j - i + 2;
      }
      return 0;
    }
    if (next !== "[") return 2;
    let j = i + 2;
    while (j < s.length && /[0-9;?<=>]/.test(s[j]!)) j++;
    if (j >= s.length) return 0;
    const final = s[j]!;
    const raw = s.slice(i + 2, j);
    const params = raw
      .replace(/^[?<=>]/, "")
      .split(";")
      .map((p) => (p === "" ? undefined : Number(p)));
    const n = params[0] ?? 1;
    this.csi(final, n, params, raw);
    return j - i + 1;
  }

  private csi(final: string, n: number, params: (number | undefined)[], raw: string): void {
    if (raw.startsWith("?")) {
      if (raw === "?2026" && (final === "h" || final === "l")) this.updating = final === "h";
      return; // other private modes (cursor visibility, etc.) change no text
    }
    const clampRow = (r: number) => Math.max(0, Math.min(this.rows - 1, r));
    const clampCol = (c: number) => Math.max(0, Math.min(this.columns - 1, c));
    this.wrapNext = false;
    switch (final) {
      case "A":
        this.row = clampRow(this.row - n);
        break;
      case "B":
        this.row = clampRow(this.row + n);
        break;
      case "C":
        this.col = clampCol(this.col + n);
        break;
      case "D":
        this.col = clampCol(this.col - n);
        break;
      case "E":
        this.row = clampRow(this.row + n);
        this.col = 0;
        break;
      case "F":
        this.row = clampRow(this.row - n);
        this.col = 0;
        break;
      case "G":
        this.col = clampCol(n - 1);
        break;
      case "H":
      case "f":
        this.row = clampRow((params[0] ?? 1) - 1);
        this.col = clampCol((params[1] ?? 1) - 1);
        break;
      case "J": {
        const mode = params[0] ?? 0;
        if (mode === 2 || mode === 3) this.grid = this.grid.map(() => this.blankRow());
        else if (mode === 0) {
          this.eraseLine(this.row, this.col, this.columns);
          for (let r = this.row + 1; r < this.rows; r++) this.grid[r] = this.blankRow();
        } else if (mode === 1) {
          for (let r = 0; r < this.row; r++) this.grid[r] = this.blankRow();
          this.eraseLine(this.row, 0, this.col + 1);
        }
        break;
      }
      case "K": {
        const mode = params[0] ?? 0;
        if (mode === 0) this.eraseLine(this.row, this.col, this.columns);
        else if (mode === 1) this.eraseLine(this.row, 0, this.col + 1);
        else this.eraseLine(this.row, 0, this.columns);
        break;
      }
      default:
        break; // SGR (m) and anything else: no effect on the text
    }
  }

  private eraseLine(row: number, from: number, to: number): void {
    const r = this.grid[row]!;
    for (let c = from; c < to; c++) r[c] = " ";
  }
}
