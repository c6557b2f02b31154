// Registration (RFC 3261 §10.2) with digest (§22), refresh before expiry, +sip.instance and
// GRUU (RFC 5627 §4.1: Supported: gruu and an instance id bring back pub-gruu/temp-gruu).
import type { TimerHandle } from "../../common/clock.js";
import {
  formatUri,
  type NameAddr,
  paramValue,
  parseDeltaSeconds,
  parseUri,
  type SipResponse,
  sipUri,
  type Uri,
  unquote,
} from "../message/index.js";
import { newCallId, newTag } from "./ids.js";
import type { UserAgent } from "./user-agent.js";

export interface RegistrationOptions {
  /** Registrar Request-URI; the AOR's domain by default (§10.2). */
  readonly registrar?: string;
  /** Requested lifetime in seconds (default 600). */
  readonly expires?: number;
  /** Ask for a GRUU (RFC 5627), on by default. */
  readonly gruu?: boolean;
}

export interface RegistrationState {
  /** Seconds the registrar granted. */
  readonly expires: number;
  /** RFC 5627 GRUUs, when the registrar gave them. */
  readonly publicGruu?: Uri;
  readonly tempGruu?: Uri;
  /** All contacts bound to the AOR, as the registrar listed them. */
  readonly bindings: readonly NameAddr[];
}

export class RegistrationError extends Error {
  override readonly name = "RegistrationError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Registration {
  private readonly callId = newCallId();
  private readonly fromTag = newTag();
  private cseq = 0;
  private refresh: TimerHandle | undefined;
  private stopped = false;
  state: RegistrationState | undefined;
  /** Told of each refresh's outcome. */
  onRefresh: ((result: RegistrationState | RegistrationError) => void) | undefined;

  constructor(
    private readonly ua: UserAgent,
    private readonly options: RegistrationOptions = {},
  ) {}

  private registrarUri(): Uri {
    if (this.options.registrar) return parseUri(this.options.registrar, "registrar");
    return sipUri(this.ua.aor.host.name, {
      scheme: this.ua.aor.scheme,
      ...(this.ua.aor.port !== undefined ? { port: this.ua.aor.port } : {}),
    });
  }

  /** Registers (or refreshes) and schedules the next refresh. */
  async register(): Promise<RegistrationState> {
    this.stopped = false;
    const expires = this.options.expires ?? 600;
    const res = await this.send(expires);
    if (res.status < 200 || res.status >= 300) {
      throw new RegistrationError(res.status, `REGISTER answered ${res.status} ${res.reason}`);
    }
    const state = this.readState(res, expires);
    this.state = state;
    this.scheduleRefresh(state.expires);
    return state;
  }

  /** Removes our binding (Expires: 0, §10.2.2) and stops refreshing. */
  async unregister(): Promise<void> {
    this.stopped = true;
    this.ua.clock.clearTimeout(this.refresh);
    const res = await this.send(0);
    if (res.status < 200 || res.status >= 300) {
      throw new RegistrationError(res.status, `un-REGISTER answered ${res.status} ${res.reason}`);
    }
    this.state = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.ua.clock.clearTimeout(this.refresh);
  }

  private async send(expires: number): Promise<SipResponse> {
    const aor = `<${formatUri(this.ua.aor)}>`;
    const req = this.ua.newRequest("REGISTER", this.registrarUri(), {
      to: aor,
      callId: this.callId,
      cseq: ++this.cseq,
      fromTag: this.fromTag,
    });
    // The same Call-ID and increasing CSeq across refreshes (§10.2.4).
    const flow = await this.ua.flowFor(this.ua.defaultNextHop(req));
    const instance = `;+sip.instance="<${this.ua.instanceId}>"`;
    req.append("Contact", `${this.ua.contactHeader(flow, instance)}`);
    req.append("Expires", String(expires));
    if (this.options.gruu !== false) req.append("Supported", "gruu, path");
    return this.ua.request(req, { bumpCSeq: () => ++this.cseq });
  }

  private readState(res: SipResponse, requested: number): RegistrationState {
    const contacts = res.contacts();
    const bindings = contacts === "*" ? [] : contacts;
    const ours = bindings.find((c) => {
      const inst = paramValue(c.params, "+sip.instance");
      return inst ? unquote(inst) === `<${this.ua.instanceId}>` : false;
    });
    let expires = requested;
    const fromParam = ours ? paramValue(ours.params, "expires") : undefined;
    if (typeof fromParam === "string") expires = parseDeltaSeconds(fromParam, "Contact");
    else if (res.get("Expires") !== undefined) {
      expires = parseDeltaSeconds(res.get("Expires") as string, "Expires");
    }
    const state: { expires: number; publicGruu?: Uri; tempGruu?: Uri; bindings: NameAddr[] } = {
      expires,
      bindings,
    };
    const pub = ours ? paramValue(ours.params, "pub-gruu") : undefined;
    const temp = ours ? paramValue(ours.params, "temp-gruu") : undefined;
    if (typeof pub === "string") state.publicGruu = parseUri(unquote(pub), "pub-gruu");
    if (typeof temp === "string") state.tempGruu = parseUri(unquote(temp), "temp-gruu");
    return state;
  }

  /** Refresh before expiry: halfway for short lifetimes, a minute early for long ones. */
  private scheduleRefresh(expires: number): void {
    this.ua.clock.clearTimeout(this.refresh);
    if (expires <= 0 || this.stopped) return;
    const lead = expires > 120 ? 60 : expires / 2;
    this.refresh = this.ua.clock.setTimeout(
      () => {
        if (this.stopped || this.ua.isClosed) return;
        this.register().then(
          (s) => this.onRefresh?.(s),
          (e) => {
            const err =
              e instanceof RegistrationError ? e : new RegistrationError(0, (e as Error).message);
            this.onRefresh?.(err);
          },
        );
      },
      (expires - lead) * 1000,
    );
  }
}
