// Transports (RFC 3261 §18, RFC 7118, RFC 3263, RFC 3581, RFC 5626 keep-alives).
export * from "./locate.js";
export * from "./node-transport.js";
export * from "./types.js";
export * from "./via-received.js";
