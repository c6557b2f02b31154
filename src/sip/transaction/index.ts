// The transaction layer (RFC 3261 §17).
export * from "./ack.js";
export * from "./client.js";
export * from "./keys.js";
export * from "./retransmit-2xx.js";
export * from "./server.js";
export * from "./timers.js";
