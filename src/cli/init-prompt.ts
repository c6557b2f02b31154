// Questions on a terminal for `duet init`: node:readline with the default shown in brackets,
// and passwords read without echo (readline's own echo is suppressed while one is typed).

import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { UsageError } from "./io.js";

export interface Prompter {
  /** Asks one question; an empty answer takes the default. */
  ask(question: string, fallback?: string): Promise<string>;
  /** Asks for a secret without showing what is typed. */
  askHidden(question: string): Promise<string>;
  /** Tells the user something between questions (e.g. why an answer was refused). */
  say(line: string): void;
  close(): void;
}

export function terminalPrompter(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Prompter {
  let muted = false;
  // readline writes the prompt and echoes keys to this stream; while a password is typed it
  // drops everything, so neither the characters nor their count reach the screen.
  const screen = new Writable({
    write(chunk, encoding, done) {
      if (!muted) output.write(chunk, encoding);
      done();
    },
  });
  const rl = createInterface({ input, output: screen, terminal: true });
  const cancel = new AbortController();
  rl.on("SIGINT", () => cancel.abort());
  rl.on("close", () => cancel.abort());
  const question = async (text: string): Promise<string> => {
    try {
      return await rl.question(text, { signal: cancel.signal });
    } catch {
      throw new UsageError("duet init was cancelled; nothing was written.");
    }
  };
  return {
    async ask(text, fallback) {
      const answer = (await question(fallback ? `${text} [${fallback}]: ` : `${text}: `)).trim();
      return answer === "" ? (fallback ?? "") : answer;
    },
    async askHidden(text) {
      output.write(`${text}: `);
      muted = true;
      try {
        return await question("");
      } finally {
        muted = false;
        output.write("\n");
      }
    },
    say(line) {
      output.write(`${line}\n`);
    },
    close() {
      rl.close();
    },
  };
}
