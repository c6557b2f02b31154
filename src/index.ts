// Duet's library entry point. Each layer is exported from its own folder as it lands.
export * as coex from "./coex/index.js";
export * as api from "./endpoint/api/index.js";
export * as config from "./endpoint/config/index.js";
export * as store from "./endpoint/store/index.js";
export * as sandbox from "./sandbox/index.js";
