// The database layout and how to get from any older layout to the current one. The schema
// version is SQLite's own `PRAGMA user_version` (a header field, so reading it needs no table);
// migration N takes a database at version N-1 to version N, inside the same transaction that
// sets the new version, so a crash mid-migration leaves the old version intact.

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "conversations, messages, call history, engine snapshot",
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        thread TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_activity INTEGER NOT NULL,
        peer_jid TEXT,
        peer_full_jid TEXT,
        peer_jid_source TEXT,
        peer_sip TEXT,
        peer_sip_source TEXT,
        peer_sip_contact TEXT,
        peer_media TEXT NOT NULL DEFAULT '',
        binding_level TEXT NOT NULL CHECK (binding_level IN ('verified', 'claimed', 'none')),
        binding_reason TEXT NOT NULL,
        binding_since INTEGER NOT NULL
      );
      CREATE INDEX conversations_thread ON conversations (thread);
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        conversation TEXT NOT NULL REFERENCES conversations (id),
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        body TEXT NOT NULL,
        at INTEGER NOT NULL,
        state TEXT NOT NULL
      );
      CREATE INDEX messages_conversation ON messages (conversation, seq);
      CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        conversation TEXT NOT NULL REFERENCES conversations (id),
        direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
        state TEXT NOT NULL CHECK (state IN ('ringing', 'active', 'ended')),
        end_reason TEXT,
        media TEXT NOT NULL DEFAULT '',
        peer_sip TEXT NOT NULL,
        local_session TEXT NOT NULL,
        remote_session TEXT NOT NULL,
        correlation_level TEXT NOT NULL CHECK (correlation_level IN ('verified', 'claimed', 'none')),
        correlation_reason TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER
      );
      CREATE INDEX calls_conversation ON calls (conversation, started_at);
      CREATE TABLE engine_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        snapshot TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: "delivery states (shown, released), the policy on its own",
    // Version 1 knew only received/held/sent. Incoming messages it holds are left 'received':
    // nothing recorded whether a client saw them, and showing one twice beats losing one.
    sql: `
      ALTER TABLE messages ADD COLUMN shown_at INTEGER;
      CREATE INDEX messages_unshown ON messages (seq) WHERE direction = 'in' AND state = 'received';
      CREATE TABLE policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        policy TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: "the XMPP archive mark, to catch up on what arrived while the process was down",
    sql: `
      CREATE TABLE xmpp_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        archive_mark TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
