// Our own declarations for the parts of @xmpp/client 0.14.0 that Duet uses. The package ships
// no types and the community ones do not match 0.14, so we declare exactly what we call and
// nothing more; everything else in src/xmpp goes through the typed wrappers built on these.

declare module "@xmpp/client" {
  /** An ltx element as @xmpp/xml builds and parses it. */
  export class Element {
    constructor(name: string, attrs?: Record<string, string | number | undefined>);
    name: string;
    attrs: Record<string, string | undefined>;
    children: (Element | string)[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    /** The name without its prefix, if any. */
    getName(): string;
    getText(): string;
    getNS(): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    append(...nodes: (Element | string)[]): Element;
    remove(el: Element | string, xmlns?: string): Element;
    toString(): string;
  }

  export class XmlParser {
    write(data: string): void;
    on(event: "element" | "start", fn: (el: Element) => void): this;
    on(event: "error", fn: (err: Error) => void): this;
    on(event: "end", fn: () => void): this;
  }

  type Child = Element | string | undefined | null | false | readonly Child[];
  interface XmlFunction {
    (
      name: string,
      attrs?: Record<string, string | number | undefined> | null,
      ...children: Child[]
    ): Element;
    Element: typeof Element;
    Parser: new () => XmlParser;
  }
  export const xml: XmlFunction;

  export interface Jid {
    local: string;
    domain: string;
    resource: string;
    bare(): Jid;
    toString(): string;
  }

  /** XMPPError and its subclasses (SASLError, StreamError, StanzaError). */
  export interface XmppLibraryError extends Error {
    condition: string;
    text?: string;
    element?: Element;
  }

  export interface IncomingContext {
    stanza: Element;
    name: string;
    type: string;
    id: string;
  }
  export interface IqCalleeApi {
    get(
      ns: string,
      name: string,
      handler: (
        ctx: IncomingContext & { element: Element },
      ) => Element | undefined | Promise<Element | undefined>,
    ): void;
    set(
      ns: string,
      name: string,
      handler: (
        ctx: IncomingContext & { element: Element },
      ) => Element | undefined | Promise<Element | undefined>,
    ): void;
  }

  export interface StreamManagementApi {
    id: string;
    enabled: boolean;
    inbound: number;
    /** Stanzas sent but not yet acknowledged by the server. */
    outbound_q: { stanza: Element; stamp: string }[];
    on(event: "resumed", fn: () => void): this;
    on(event: "fail" | "ack", fn: (stanza: Element) => void): this;
  }

  /** A SASL mechanism in the shape the `saslmechanisms` factory instantiates. */
  export interface SaslMechanismInstance {
    name: string;
    clientFirst: boolean;
    response(credentials: { username: string; password: string }): string | Promise<string>;
    challenge(serverMessage: string): unknown;
  }
  export interface SaslFactoryApi {
    use(name: string, mech: new () => SaslMechanismInstance): SaslFactoryApi;
  }

  export interface ClientOptions {
    service: string;
    domain: string;
    resource?: string;
    lang?: string;
    timeout?: number;
    credentials: (
      authenticate: (
        credentials: { username: string; password: string },
        mechanism: string,
      ) => Promise<void>,
      mechanisms: string[],
      fast: unknown,
      entity: XmppEntity,
    ) => Promise<void>;
  }

  export type EntityStatus =
    | "offline"
    | "connecting"
    | "connect"
    | "opening"
    | "open"
    | "online"
    | "closing"
    | "close"
    | "disconnecting"
    | "disconnect";

  export interface XmppEntity {
    jid: Jid | null;
    status: EntityStatus;
    options: ClientOptions;
    socket:
      | (NodeJS.EventEmitter & {
          destroy?(): void;
          socket?: { destroy?(): void; close?(): void; terminate?(): void };
        })
      | null;
    timeout: number;
    iqCallee: IqCalleeApi;
    streamManagement: StreamManagementApi;
    saslFactory: SaslFactoryApi;
    reconnect: { stop(): void };
    start(): Promise<Jid>;
    connect(service: string): Promise<void>;
    open(options: { domain: string }): Promise<void>;
    stop(): Promise<unknown>;
    disconnect(): Promise<unknown>;
    send(el: Element): Promise<void>;
    isSecure(): boolean;
    _onElement(el: Element): void;
    on(event: "status", fn: (status: EntityStatus) => void): this;
    on(event: "error", fn: (err: Error) => void): this;
    on(event: "online", fn: (jid: Jid) => void): this;
    on(event: "offline" | "disconnect", fn: () => void): this;
    on(event: "stanza" | "nonza" | "element" | "send", fn: (el: Element) => void): this;
    removeListener(event: string, fn: (...args: never[]) => void): this;
  }

  export function client(options: ClientOptions): XmppEntity;
}
