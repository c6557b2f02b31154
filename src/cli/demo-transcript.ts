// The live transcript of `duet demo`: one line per thing that happened — when (since the step
// began), who, over which protocol, what — a closing line per step with its correlation level
// and duration, and, on a terminal only, a progress line while the demo waits for something.

import type { Clock, TimerHandle } from "../common/clock.js";

export interface TranscriptOptions {
  /** Where transcript lines go (one call per line). */
  readonly out: (line: string) => void;
  /** A terminal to draw the progress line on; without it there is none. */
  readonly tty?: { write(text: string): void };
  readonly clock: Clock;
  /** ANSI colours (on a terminal unless NO_COLOR is set). */
  readonly color?: boolean;
}

export interface CorrelationNote {
  readonly level: string;
  readonly reason?: string;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class Transcript {
  private stepStartedAt = 0;
  private waitingFor: { what: string; since: number } | undefined;
  private frame = 0;
  private timer: TimerHandle | undefined;
  private drawn = false;

  constructor(private readonly opts: TranscriptOptions) {}

  private paint(code: string, text: string): string {
    return this.opts.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  /** Prints a line, taking the progress line away first and drawing it again after. */
  private print(line: string): void {
    this.clearProgress();
    this.opts.out(line);
    this.drawProgress();
  }

  heading(text: string): void {
    this.print(this.paint("1", text));
  }

  /** Free text, indented under the current step. */
  note(text: string): void {
    this.print(`         ${text}`);
  }

  raw(text: string): void {
    this.print(text);
  }

  beginStep(index: number, total: number, title: string): void {
    this.stepStartedAt = this.opts.clock.now();
    this.print("");
    this.print(this.paint("1", `[${index}/${total}] ${title}`));
  }

  /** One thing that happened: `actor` did `text` over `protocol`. */
  event(actor: string, protocol: string, text: string): void {
    const t = ((this.opts.clock.now() - this.stepStartedAt) / 1000).toFixed(2).padStart(6);
    this.print(
      `  ${this.paint("2", `+${t}s`)}  ${actor.padEnd(15)} ${this.paint("36", protocol.padEnd(5))} ${text}`,
    );
  }

  endStep(
    passed: boolean,
    durationMs: number,
    correlation: CorrelationNote | null,
    detail: string,
  ): void {
    const mark = passed ? this.paint("32", "✓ passed") : this.paint("31", "✗ FAILED");
    const corr = correlation
      ? ` · correlation ${correlation.level}${correlation.reason ? ` (${correlation.reason})` : ""}`
      : "";
    this.print(
      `  ${mark} in ${(durationMs / 1000).toFixed(2)} s${corr}${detail ? ` · ${detail}` : ""}`,
    );
  }

  /** Shows "waiting for WHAT" with a spinner and the time waited (terminal only) until the
   * returned function is called. */
  waiting(what: string): () => void {
    const entry = { what, since: this.opts.clock.now() };
    this.waitingFor = entry;
    this.drawProgress();
    this.schedule();
    return () => {
      if (this.waitingFor !== entry) return;
      this.clearProgress();
      this.waitingFor = undefined;
      this.opts.clock.clearTimeout(this.timer);
      this.timer = undefined;
    };
  }

  /** Takes the progress line away for good (the demo is ending). */
  close(): void {
    this.clearProgress();
    this.waitingFor = undefined;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.opts.tty || this.timer !== undefined) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.waitingFor) return;
      this.frame = (this.frame + 1) % SPINNER.length;
      this.clearProgress();
      this.drawProgress();
      this.schedule();
    }, 100);
  }

  private drawProgress(): void {
    const tty = this.opts.tty;
    if (!tty || !this.waitingFor || this.drawn) return;
    const waited = ((this.opts.clock.now() - this.waitingFor.since) / 1000).toFixed(1);
    tty.write(
      this.paint("33", `  ${SPINNER[this.frame]} waiting for ${this.waitingFor.what}… ${waited} s`),
    );
    this.drawn = true;
  }

  private clearProgress(): void {
    if (!this.opts.tty || !this.drawn) return;
    // Carriage return and "erase in line" (ECMA-48 EL, CSI 2 K).
    this.opts.tty.write("\r\x1b[2K");
    this.drawn = false;
  }
}
