// The endpoint's persistent store (issue 6: persistence): one SQLite file holding the
// conversations, their messages with delivery state, the call history, the coex engine's
// snapshot (tokens, bindings, contacts, discovery links) and the policy.
//
// The durability rule is "nothing is lost if the process is killed between a message arriving
// and being shown". So an incoming message is recorded with recordIncoming(), which returns
// only once the transaction is committed and synced; only then does the endpoint emit it, and
// it calls markShown() once a client has it. After a restart, unshown() lists what must be
// emitted again. Every method is synchronous: when it returns, its write is on disk.

import {
  type CallRecord,
  type CoexSnapshot,
  type Conversation,
  type MessageRecord,
  type Policy,
  parsePolicy,
  readSnapshot,
  SNAPSHOT_VERSION,
} from "../../coex/index.js";
import { type Clock, systemClock } from "../../common/clock.js";
import { SqliteFile } from "./database.js";
import { StoreError } from "./errors.js";
import {
  CALL_COLUMNS,
  CONVERSATION_COLUMNS,
  callFromRow,
  callParams,
  checkMessage,
  conversationFromRow,
  conversationParams,
  type DeliveryState,
  deliveryOf,
  messageFromRow,
  type StoredCall,
  type StoredConversation,
  type StoredMessage,
  toCallRecord,
  toMessageRecord,
} from "./records.js";
import type { Migration } from "./schema.js";

export interface StoreOptions {
  /** Wall-clock source for shown/saved times; the system clock by default. */
  readonly clock?: Clock;
  /** Replaces the migration list (tests build older schema versions with it). */
  readonly migrations?: readonly Migration[];
}

const UPSERT_CONVERSATION = `
  INSERT INTO conversations (${CONVERSATION_COLUMNS}) VALUES (${placeholders(14)})
  ON CONFLICT (id) DO UPDATE SET
    last_activity = excluded.last_activity, peer_jid = excluded.peer_jid,
    peer_full_jid = excluded.peer_full_jid, peer_jid_source = excluded.peer_jid_source,
    peer_sip = excluded.peer_sip, peer_sip_source = excluded.peer_sip_source,
    peer_sip_contact = excluded.peer_sip_contact, peer_media = excluded.peer_media,
    binding_level = excluded.binding_level, binding_reason = excluded.binding_reason,
    binding_since = excluded.binding_since`;

// A later state never goes back: a message shown, released or sent stays so even if an older
// engine snapshot still says received or held.
const UPSERT_MESSAGE = `
  INSERT INTO messages (id, conversation, direction, body, at, state) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET state = CASE
    WHEN messages.state IN ('shown', 'released', 'sent') THEN messages.state
    ELSE excluded.state END`;

const UPSERT_CALL = `
  INSERT INTO calls (${CALL_COLUMNS}) VALUES (${placeholders(14)})
  ON CONFLICT (id) DO UPDATE SET
    state = excluded.state, end_reason = excluded.end_reason, media = excluded.media,
    remote_session = excluded.remote_session, answered_at = excluded.answered_at,
    ended_at = excluded.ended_at`;

function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

export class DuetStore {
  private file: SqliteFile | undefined;
  private readonly clock: Clock;
  readonly path: string;

  private constructor(file: SqliteFile, clock: Clock) {
    this.file = file;
    this.path = file.path;
    this.clock = clock;
  }

  /**
   * Opens the store at `path`, creating the file if needed and migrating an older schema.
   * Throws StoreError: missing-directory, not-a-database, corrupt, locked, newer-schema, …
   */
  static open(path: string, options: StoreOptions = {}): DuetStore {
    const file = SqliteFile.open(path, options.migrations);
    return new DuetStore(file, options.clock ?? systemClock);
  }

  get schemaVersion(): number {
    return this.db().version;
  }

  get isOpen(): boolean {
    return this.file !== undefined;
  }

  close(): void {
    const file = this.file;
    this.file = undefined;
    file?.close();
  }

  // ---- conversations ------------------------------------------------------------------------

  /** Records a conversation's thread, peer identities and binding (created or changed). */
  saveConversation(conversation: Conversation): void {
    const db = this.db();
    db.transaction(() => db.run(UPSERT_CONVERSATION, conversationParams(conversation)));
  }

  /** All conversations, most recently active first. */
  conversations(): StoredConversation[] {
    return this.db()
      .all(`SELECT ${CONVERSATION_COLUMNS} FROM conversations ORDER BY last_activity DESC, id`)
      .map(conversationFromRow);
  }

  conversation(id: string): StoredConversation | undefined {
    const row = this.db().get(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = ?`, [
      id,
    ]);
    return row ? conversationFromRow(row) : undefined;
  }

  // ---- messages -----------------------------------------------------------------------------

  /**
   * Records a message that arrived, with its conversation, in one transaction. When this
   * returns the message is on disk; only then may the endpoint emit it. Recording the same
   * message id again changes nothing (an XMPP redelivery after a restart is not duplicated).
   */
  recordIncoming(conversation: Conversation, message: MessageRecord): StoredMessage {
    const db = this.db();
    checkMessage(this.path, message, "in");
    db.transaction(() => {
      db.run(UPSERT_CONVERSATION, conversationParams(conversation));
      db.run(
        "INSERT INTO messages (id, conversation, direction, body, at, state) VALUES (?, ?, 'in', ?, ?, 'received') ON CONFLICT (id) DO NOTHING",
        [message.id, conversation.id, message.text, message.at],
      );
    });
    return this.message(message.id)!;
  }

  /** A client has the message (the endpoint decides when that is): it need not be re-emitted. */
  markShown(...messageIds: string[]): void {
    const db = this.db();
    const at = this.clock.wallTime().getTime();
    db.transaction(() => {
      for (const id of messageIds) {
        db.run(
          "UPDATE messages SET state = 'shown', shown_at = ? WHERE id = ? AND direction = 'in' AND state = 'received'",
          [at, id],
        );
      }
    });
  }

  /** Incoming messages recorded but never marked shown, oldest first: emit them again. */
  unshown(): StoredMessage[] {
    return this.db()
      .all("SELECT * FROM messages WHERE direction = 'in' AND state = 'received' ORDER BY seq")
      .map(messageFromRow);
  }

  /**
   * Records a message the user wrote, in the state the engine put it (`held` or `sent`), or
   * moves it on: `released` when a held message went out after verification.
   */
  recordOutgoing(
    conversation: Conversation,
    message: MessageRecord,
    state: Extract<DeliveryState, "held" | "released" | "sent"> = deliveryOf(message) as
      | "held"
      | "sent",
  ): StoredMessage {
    const db = this.db();
    checkMessage(this.path, message, "out");
    db.transaction(() => {
      db.run(UPSERT_CONVERSATION, conversationParams(conversation));
      db.run(
        `INSERT INTO messages (id, conversation, direction, body, at, state) VALUES (?, ?, 'out', ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = CASE
           WHEN messages.state = 'held' THEN excluded.state ELSE messages.state END`,
        [message.id, conversation.id, message.text, message.at, state],
      );
    });
    return this.message(message.id)!;
  }

  message(id: string): StoredMessage | undefined {
    const row = this.db().get("SELECT * FROM messages WHERE id = ?", [id]);
    return row ? messageFromRow(row) : undefined;
  }

  /** A conversation's messages in the order they were recorded. */
  messages(conversation: string): StoredMessage[] {
    return this.db()
      .all("SELECT * FROM messages WHERE conversation = ? ORDER BY seq", [conversation])
      .map(messageFromRow);
  }

  // ---- calls --------------------------------------------------------------------------------

  /** Records a call (started, answered, media changed, ended) in its conversation's history. */
  saveCall(conversation: Conversation, call: CallRecord): void {
    const db = this.db();
    db.transaction(() => {
      db.run(UPSERT_CONVERSATION, conversationParams(conversation));
      db.run(UPSERT_CALL, callParams(conversation.id, call));
    });
  }

  /** A conversation's calls, oldest first. */
  calls(conversation: string): StoredCall[] {
    return this.db()
      .all(`SELECT ${CALL_COLUMNS} FROM calls WHERE conversation = ? ORDER BY started_at, id`, [
        conversation,
      ])
      .map(callFromRow);
  }

  // ---- policy -------------------------------------------------------------------------------

  /** The stored policy, or undefined before one was ever stored. */
  policy(): Policy | undefined {
    const row = this.db().get("SELECT policy FROM policy WHERE id = 1");
    if (!row) return undefined;
    try {
      return parsePolicy(JSON.parse(String(row.policy)));
    } catch (e) {
      throw this.corrupt("the stored policy", e);
    }
  }

  setPolicy(policy: Policy): void {
    const db = this.db();
    const checked = parsePolicy(policy);
    db.transaction(() => this.writePolicy(checked));
  }

  private writePolicy(policy: Policy): void {
    this.db().run(
      "INSERT INTO policy (id, policy, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at",
      [JSON.stringify(policy), this.clock.wallTime().getTime()],
    );
  }

  // ---- the XMPP archive mark -----------------------------------------------------------------

  /**
   * The newest XEP-0313 archive id (stanza-id) of a message this endpoint has recorded: after a
   * restart the archive is read from there on, so what arrived while the process was down (or
   * sat unacknowledged in a dead session) is not lost.
   */
  archiveMark(): string | undefined {
    const row = this.db().get("SELECT archive_mark FROM xmpp_state WHERE id = 1");
    return row ? String(row.archive_mark) : undefined;
  }

  setArchiveMark(id: string): void {
    this.db().run(
      "INSERT INTO xmpp_state (id, archive_mark, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET archive_mark = excluded.archive_mark, updated_at = excluded.updated_at",
      [id, this.clock.wallTime().getTime()],
    );
  }

  // ---- the engine's snapshot ----------------------------------------------------------------

  /**
   * Saves CoexEngine.snapshot() atomically: the snapshot itself, the policy, and every
   * conversation, message and call it holds go in one transaction, so a kill leaves either the
   * previous state or this one. Messages are kept in their table only (not twice).
   */
  saveSnapshot(snapshot: CoexSnapshot): void {
    const db = this.db();
    const checked = readSnapshot(JSON.parse(JSON.stringify(snapshot)));
    const slim = {
      ...checked,
      conversations: checked.conversations.map((c) => ({ ...c, messages: [] })),
    };
    db.transaction(() => {
      for (const c of checked.conversations) {
        db.run(UPSERT_CONVERSATION, conversationParams(c));
        for (const m of c.messages) {
          db.run(UPSERT_MESSAGE, [m.id, c.id, m.direction, m.text, m.at, deliveryOf(m)]);
        }
        for (const k of c.calls) db.run(UPSERT_CALL, callParams(c.id, k));
      }
      this.writePolicy(checked.policy);
      db.run(
        "INSERT INTO engine_state (id, snapshot, saved_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at",
        [JSON.stringify(slim), this.clock.wallTime().getTime()],
      );
    });
  }

  /**
   * The state to construct a CoexEngine with (`new CoexEngine({snapshot})`), or undefined for a
   * new store. It is the last snapshot completed with what was recorded after it: messages and
   * calls from the tables, conversations created since, and the current policy.
   */
  loadSnapshot(): CoexSnapshot | undefined {
    const db = this.db();
    const row = db.get("SELECT snapshot FROM engine_state WHERE id = 1");
    if (!row && !db.get("SELECT 1 AS any FROM conversations LIMIT 1")) return undefined;
    let base: CoexSnapshot;
    try {
      base = row
        ? readSnapshot(JSON.parse(String(row.snapshot)))
        : readSnapshot({
            version: SNAPSHOT_VERSION,
            conversations: [],
            tokens: [],
            policy: this.policy() ?? parsePolicy({}),
            contacts: [],
            discovered: [],
            roster: [],
          });
    } catch (e) {
      throw this.corrupt("the saved engine snapshot", e);
    }
    const headers = new Map(
      db
        .all(`SELECT ${CONVERSATION_COLUMNS} FROM conversations ORDER BY created_at, rowid`)
        .map((r) => {
          const h = conversationFromRow(r);
          return [h.id, h] as const;
        }),
    );
    const merged: Conversation[] = [];
    // The snapshot's conversations keep the engine's order; those created after it follow in
    // the order they were recorded.
    for (const saved of base.conversations) {
      const header = headers.get(saved.id);
      headers.delete(saved.id);
      const calls = this.calls(saved.id);
      const savedCallIds = new Set(saved.calls.map((k) => k.id));
      merged.push({
        ...saved,
        // A binding or peer recorded after the snapshot is newer than the snapshot's.
        ...(header && header.binding.since > saved.binding.since
          ? { binding: header.binding, peer: header.peer }
          : {}),
        lastActivity: Math.max(saved.lastActivity, header?.lastActivity ?? 0),
        calls: [
          ...saved.calls.map((k) =>
            mergeCall(
              k,
              calls.find((s) => s.id === k.id),
            ),
          ),
          ...calls.filter((k) => !savedCallIds.has(k.id)).map(toCallRecord),
        ],
        messages: this.messages(saved.id).map(toMessageRecord),
      });
    }
    for (const header of headers.values()) {
      merged.push({
        id: header.id,
        thread: header.thread,
        createdAt: header.createdAt,
        lastActivity: header.lastActivity,
        peer: header.peer,
        binding: header.binding,
        calls: this.calls(header.id).map(toCallRecord),
        messages: this.messages(header.id).map(toMessageRecord),
        announcements: [],
      });
    }
    return { ...base, conversations: merged, policy: this.policy() ?? base.policy };
  }

  // ---- helpers ------------------------------------------------------------------------------

  private db(): SqliteFile {
    if (!this.file) {
      throw new StoreError(
        "closed",
        this.path,
        "the store is closed",
        "open it again with DuetStore.open()",
      );
    }
    return this.file;
  }

  private corrupt(what: string, e: unknown): StoreError {
    return new StoreError(
      "corrupt",
      this.path,
      `${what} cannot be read: ${e instanceof Error ? e.message : String(e)}`,
      "restore the file from a backup, or move it aside so that a new store is created",
    );
  }
}

/** The snapshot's call (which has the tokens) moved on by what the history recorded later. */
function mergeCall(saved: CallRecord, stored: StoredCall | undefined): CallRecord {
  if (!stored) return saved;
  const rank = { ringing: 0, active: 1, ended: 2 };
  if (rank[stored.state] <= rank[saved.state]) return saved;
  return {
    ...saved,
    state: stored.state,
    media: [...stored.media],
    ...(stored.endReason !== undefined ? { endReason: stored.endReason } : {}),
    ...(stored.answeredAt !== undefined ? { answeredAt: stored.answeredAt } : {}),
    ...(stored.endedAt !== undefined ? { endedAt: stored.endedAt } : {}),
  };
}
