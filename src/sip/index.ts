// Duet's SIP stack (RFC 3261 and friends). The portable layers; Node transports are in
// ./transport/index.js.
export * from "./auth/index.js";
export * from "./message/index.js";
export * from "./transaction/index.js";
export * from "./ua/index.js";
