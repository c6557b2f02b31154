// Connects two MediaSessions the way a SIP stack would: A's offer to B, B's answer to A.

import type { MediaSession } from "../../src/media/session/media-session.js";

export async function negotiate(offerer: MediaSession, answerer: MediaSession): Promise<void> {
  const offer = await offerer.getDescription();
  await answerer.setDescription(offer.body, offer.contentType);
  const answer = await answerer.getDescription();
  await offerer.setDescription(answer.body, answer.contentType);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or a rejection saying what did not happen within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
