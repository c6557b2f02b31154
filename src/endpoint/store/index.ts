// The endpoint's persistent store: one SQLite file (issue 6: persistence).

export { StoreError, type StoreErrorCode } from "./errors.js";
export type {
  DeliveryState,
  StoredCall,
  StoredConversation,
  StoredMessage,
} from "./records.js";
export { MIGRATIONS, type Migration, SCHEMA_VERSION } from "./schema.js";
export { DuetStore, type StoreOptions } from "./store.js";
