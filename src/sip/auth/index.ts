// Digest authentication for SIP (RFC 3261 §22, RFC 8760).
export * from "./digest.js";
export * from "./hashes.js";
