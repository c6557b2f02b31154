// Direction attributes (RFC 3264 §5.1, §6.1) as two booleans, which makes the answer rules and
// hold (RFC 3264 §8.4) one-liners.

export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

export function directionOf(send: boolean, recv: boolean): Direction {
  if (send && recv) return "sendrecv";
  if (send) return "sendonly";
  if (recv) return "recvonly";
  return "inactive";
}

export function sends(d: Direction): boolean {
  return d === "sendrecv" || d === "sendonly";
}

export function receives(d: Direction): boolean {
  return d === "sendrecv" || d === "recvonly";
}

/**
 * The answerer's direction: it may send only what the offerer will receive and receive only what
 * the offerer will send (RFC 3264 §6.1), further limited by what the answerer wants.
 */
export function answerDirection(offered: Direction, wanted: Direction): Direction {
  return directionOf(receives(offered) && sends(wanted), sends(offered) && receives(wanted));
}
