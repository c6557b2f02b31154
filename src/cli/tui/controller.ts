// What the TUI does: turns commands and keys into RPC calls, and events and results into
// actions on the store. It holds no state of its own beyond the store, and reports every failed
// call on the status line with the daemon's message and hint.

import type { Clock } from "../../common/clock.js";
import type { ApiEvent, Media } from "../../endpoint/api/contract.js";
import { type Command, parseCommand, peerUri } from "./commands.js";
import type { StreamState } from "./event-stream.js";
import { RpcCallError, type RpcCaller } from "./rpc-client.js";
import { conversationWith, currentCall, find, openConversation, type TuiState } from "./state.js";
import type { Store } from "./store.js";

export class TuiController {
  constructor(
    private readonly store: Store,
    private readonly rpc: RpcCaller,
    private readonly clock: Clock,
    private readonly onQuit: () => void,
  ) {}

  private get state(): TuiState {
    return this.store.state;
  }

  private now(): number {
    return this.clock.wallTime().getTime();
  }

  private info(text: string): void {
    this.store.dispatch({ type: "notice", notice: { level: "info", text } });
  }

  private fail(e: unknown): void {
    const text =
      e instanceof RpcCallError
        ? `${e.method}: ${e.message}${e.hint ? ` (${e.hint})` : ""}`
        : String(e);
    this.store.dispatch({ type: "notice", notice: { level: "error", text } });
  }

  /**
   * The event stream's state. Each time it opens the state is (re)loaded: after a drop the
   * stream replays what it still holds, but a client that had seen no event yet has no
   * Last-Event-ID to resume from, and a restarted daemon starts a new run.
   */
  onStreamState(s: StreamState): void {
    this.store.dispatch({ type: "connection", connection: s });
    if (s.state === "open") void this.reload();
  }

  onEvent(event: ApiEvent): void {
    this.store.dispatch({ type: "event", event, at: this.now() });
    if (
      "conversation" in event &&
      typeof event.conversation === "string" &&
      event.conversation === this.state.open &&
      !find(this.state, event.conversation)?.loaded
    ) {
      void this.fetchConversation(event.conversation);
    }
  }

  async reload(): Promise<void> {
    try {
      const [status, contacts, conversations, policy] = await Promise.all([
        this.rpc.call("status", {}),
        this.rpc.call("contacts.list", {}),
        this.rpc.call("conversations.list", {}),
        this.rpc.call("policy.get", {}),
      ]);
      this.store.dispatch({
        type: "loaded",
        status,
        contacts: contacts.contacts,
        conversations: conversations.conversations,
        policy,
      });
      if (this.state.open !== undefined) await this.fetchConversation(this.state.open);
    } catch (e) {
      this.fail(e);
    }
  }

  private async fetchConversation(id: string): Promise<void> {
    const detail = await this.rpc.call("conversations.get", { conversation: id });
    this.store.dispatch({ type: "conversation.loaded", detail });
  }

  /** Opens a known conversation, fetching its messages and calls. */
  async open(id: string): Promise<void> {
    this.store.dispatch({ type: "open", conversation: id });
    try {
      await this.fetchConversation(id);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Opens the conversation with a peer (JID, xmpp: or sip: URI), starting one if needed. */
  async openPeer(peer: string, first?: { text?: string; media?: readonly Media[] }): Promise<void> {
    const uri = peerUri(peer);
    const known = first
      ? undefined
      : conversationWith(
          this.state,
          uri.startsWith("xmpp:") ? { jid: uri.slice(5) } : { sip: uri },
        );
    if (known) return this.open(known.conversation);
    const r = await this.rpc.call("conversations.start", {
      peer: uri,
      ...(first?.text !== undefined ? { text: first.text } : {}),
      ...(first?.media !== undefined ? { media: first.media } : {}),
    });
    this.store.dispatch({ type: "open", conversation: r.conversation });
    await this.fetchConversation(r.conversation);
  }

  /** Runs one line typed on the command line. */
  async submit(line: string): Promise<void> {
    const parsed = parseCommand(line);
    if (parsed.kind === "error") {
      this.store.dispatch({ type: "notice", notice: { level: "error", text: parsed.text } });
      return;
    }
    this.store.dispatch({ type: "input", text: "" });
    await this.run(parsed);
  }

  async run(c: Command): Promise<void> {
    try {
      await this.execute(c);
    } catch (e) {
      this.fail(e);
    }
  }

  private async execute(c: Command): Promise<void> {
    switch (c.kind) {
      case "say": {
        const open = openConversation(this.state);
        if (!open) return this.info("open a conversation first (Enter on a contact, or /open JID)");
        const r = await this.rpc.call("messages.send", {
          conversation: open.conversation,
          text: c.text,
          ...(c.force ? { force: true } : {}),
        });
        this.store.dispatch({
          type: "message.sent",
          conversation: open.conversation,
          message: r.message,
          at: this.now(),
        });
        if (r.message.state === "held")
          this.info("held until the binding is verified: /force TEXT sends anyway");
        return;
      }
      case "open":
        return this.openPeer(c.peer);
      case "chat":
        return this.openPeer(c.peer, { text: c.text });
      case "call": {
        if (c.peer !== undefined) return this.openPeer(c.peer, { media: c.media });
        const open = openConversation(this.state);
        if (!open) return this.info("open a conversation to call, or /call PEER");
        const r = await this.rpc.call("calls.start", {
          conversation: open.conversation,
          media: c.media,
        });
        this.store.dispatch({
          type: "call.placed",
          conversation: open.conversation,
          call: r.call,
          peer: open.peer.sip ?? open.peer.jid ?? "",
          media: c.media,
          at: this.now(),
        });
        return;
      }
      case "video": {
        const call = currentCall(this.state);
        if (call?.state !== "active") return this.info("no active call to change");
        const media: Media[] = c.on ? ["audio", "video"] : ["audio"];
        const r = await this.rpc.call("calls.update", { call: call.call, media });
        this.store.dispatch({ type: "call.media", call: r.call, media: r.media });
        return;
      }
      case "answer": {
        const call = currentCall(this.state);
        if (call?.state !== "ringing" || call.direction !== "incoming")
          return this.info("no call is ringing");
        await this.rpc.call("calls.answer", {
          call: call.call,
          ...(c.media ? { media: c.media } : {}),
        });
        const conv = this.state.conversations.find((x) =>
          x.calls.some((y) => y.call === call.call),
        );
        if (conv && this.state.open !== conv.conversation) await this.open(conv.conversation);
        return;
      }
      case "reject": {
        const call = currentCall(this.state);
        if (call?.state !== "ringing" || call.direction !== "incoming")
          return this.info("no call is ringing");
        await this.rpc.call("calls.reject", { call: call.call, reason: c.reason });
        this.store.dispatch({ type: "banner.dismiss" });
        return;
      }
      case "hangup": {
        const call = currentCall(this.state);
        if (!call) return this.info("no call to hang up");
        await this.rpc.call("calls.hangup", { call: call.call });
        return;
      }
      case "dtmf": {
        const call = currentCall(this.state);
        if (call?.state !== "active") return this.info("DTMF needs an active call");
        await this.rpc.call("calls.dtmf", { call: call.call, digits: c.digits });
        return this.info(`sent DTMF ${c.digits}`);
      }
      case "discover": {
        const r = await this.rpc.call("discover", { sip: c.sip });
        return this.info(
          r.jid
            ? `${r.sip} is ${r.jid} (${r.binding.level}, ${r.binding.reason})`
            : `${r.sip}: no JID learned (${r.binding.reason})`,
        );
      }
      case "allow":
      case "disallow": {
        const current = this.state.policy ?? (await this.rpc.call("policy.get", {}));
        const rules = current.discovery.allow.filter((r) => r !== c.rule);
        const allow = c.kind === "allow" ? [...rules, c.rule] : rules;
        const policy = await this.rpc.call("policy.set", { discovery: { allow } });
        this.store.dispatch({ type: "policy", policy });
        return this.info(`discovery allowed for: ${policy.discovery.allow.join(", ") || "nobody"}`);
      }
      case "approve": {
        const r = await this.rpc.call("contacts.approve", { jid: c.jid, approve: c.approve });
        return this.info(`${r.jid}: ${r.approved ? "approved" : "refused"}`);
      }
      case "add": {
        const r = await this.rpc.call("contacts.add", {
          jid: c.jid,
          ...(c.name !== undefined ? { name: c.name } : {}),
        });
        await this.reload();
        return this.info(`asked ${r.contact.jid} to share presence`);
      }
      case "presence": {
        const r = await this.rpc.call("presence.set", {
          show: c.show,
          ...(c.status !== undefined ? { status: c.status } : {}),
        });
        await this.reload();
        return this.info(`presence: ${r.show}${r.status ? ` (${r.status})` : ""}`);
      }
      case "help":
        this.store.dispatch({ type: "help", show: true });
        return;
      case "quit":
        this.onQuit();
        return;
    }
  }
}
