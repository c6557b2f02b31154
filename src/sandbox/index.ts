// The sandbox network of real servers (`duet servers`). Node-only: it starts processes.
export * from "./identities.js";
export { MissingPackagesError } from "./install.js";
export * from "./sandbox.js";
