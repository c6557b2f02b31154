// The SIP message layer: URIs, headers, parsing, framing and serializing (RFC 3261 §7, §19, §20).
export * from "./cursor.js";
export * from "./header-names.js";
export * from "./host.js";
export * from "./message.js";
export * from "./name-addr.js";
export * from "./parse-error.js";
export * from "./parser.js";
export * from "./response-builder.js";
export * from "./serializer.js";
export * from "./simple-headers.js";
export * from "./stream-framer.js";
export * from "./uri.js";
export * from "./via.js";
