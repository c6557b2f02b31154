// Duet's library entry point. Each layer is exported from its own folder as it lands.
export * as sandbox from "./sandbox/index.js";
