// What the sandbox needs of an XMPP server, whichever one runs (Prosody by default, ejabberd
// on request): its configuration written, how to start it, and how to create accounts.
export type XmppServerName = "prosody" | "ejabberd";
export const XMPP_SERVERS: readonly XmppServerName[] = ["prosody", "ejabberd"];

export interface XmppServerPorts {
  readonly c2s: number;
  readonly http: number;
  /** Direct TLS c2s (XEP-0368), TLS mode only. */
  readonly c2sDirectTls: number | null;
  /** HTTPS for secure WebSocket, TLS mode only. */
  readonly https: number | null;
}

export interface XmppServerSetup {
  readonly dir: string;
  readonly ports: XmppServerPorts;
  /** TLS mode: certificate and key (PEM files). */
  readonly tls: { readonly cert: string; readonly key: string } | null;
}

export interface XmppServerPlan {
  readonly name: XmppServerName;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Where the process's stdout/stderr go. */
  readonly stdoutLog: string;
  /** Logs worth showing when it fails to start, most telling first. */
  readonly logs: readonly string[];
  /** Run as this user (ejabberd refuses to run as root). */
  readonly runAs?: { readonly uid: number; readonly gid: number; readonly home: string };
  /** Whether accounts can be created before the server runs (file storage) or only after. */
  readonly accountsWhileStopped: boolean;
  /** Creates an account; resolves when it exists. */
  addAccount(user: string, domain: string, password: string): Promise<void>;
}
