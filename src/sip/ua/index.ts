// The SIP user agent: core, dialogs, calls, registration (RFC 3261 §8–§15).
export * from "./call.js";
export * from "./capabilities.js";
export * from "./dialog.js";
export * from "./ids.js";
export * from "./registration.js";
export * from "./screening.js";
export * from "./session-description.js";
export * from "./user-agent.js";
