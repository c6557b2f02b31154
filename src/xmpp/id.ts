// Stanza ids: random and unique, so they double as XEP-0359 origin-ids (§3.1 wants those
// unique and unpredictable).
export function newStanzaId(): string {
  return globalThis.crypto.randomUUID();
}
