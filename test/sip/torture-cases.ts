// The RFC 4475 and RFC 5118 torture messages, each with its section and what the RFC expects:
// whether it parses (or the kind of parse error), and what a UA answers when it arrives
// ("none": dropped, as for stray or unparseable responses).
export interface TortureCase {
  readonly rfc: "rfc4475" | "rfc5118";
  readonly name: string;
  readonly file: string;
  readonly section: string;
  readonly title: string;
  /** "ok" or the SipParseError code. */
  readonly parse: string;
  /** Final status our UA sends, or "none". */
  readonly answer: number | "none";
}

const c = (
  rfc: "rfc4475" | "rfc5118",
  name: string,
  section: string,
  title: string,
  parse: string,
  answer: number | "none",
): TortureCase => ({
  rfc,
  name,
  file: rfc === "rfc4475" ? `${name}.dat` : name,
  section,
  title,
  parse,
  answer,
});

// REGISTER reaches a user agent, not a registrar: 405 with Allow (RFC 3261 §8.2.1), whatever
// a registrar would do with it. Valid INVITEs are answered by the test's auto-answering app;
// requests with a To tag for a dialog the UA does not have get 481 (RFC 3261 §12.2.2).
export const TORTURE_CASES: readonly TortureCase[] = [
  c("rfc4475", "wsinv", "3.1.1.1", "A Short Tortuous INVITE", "ok", 481),
  c("rfc4475", "intmeth", "3.1.1.2", "Wide Range of Valid Characters", "ok", 501),
  c("rfc4475", "esc01", "3.1.1.3", "Valid Use of the % Escaping Mechanism", "ok", 200),
  c("rfc4475", "escnull", "3.1.1.4", "Escaped Nulls in URIs", "ok", 405),
  c("rfc4475", "esc02", "3.1.1.5", "Use of % When It Is Not an Escape", "ok", 501),
  c("rfc4475", "lwsdisp", "3.1.1.6", "Message with No LWS between Display Name and <", "ok", 200),
  c("rfc4475", "longreq", "3.1.1.7", "Long Values in Header Fields", "ok", 200),
  c("rfc4475", "dblreq", "3.1.1.8", "Extra Trailing Octets in a UDP Datagram", "ok", 405),
  c("rfc4475", "semiuri", "3.1.1.9", "Semicolon Separated Parameters in URI User Part", "ok", 200),
  c("rfc4475", "transports", "3.1.1.10", "Varied and Unknown Transport Types", "ok", 200),
  c("rfc4475", "mpart01", "3.1.1.11", "Multipart MIME Message", "ok", 200),
  c("rfc4475", "unreason", "3.1.1.12", "Unusual Reason Phrase", "ok", "none"),
  c("rfc4475", "noreason", "3.1.1.13", "Empty Reason Phrase", "ok", "none"),
  c("rfc4475", "badinv01", "3.1.2.1", "Extraneous Header Field Separators", "header-value", 400),
  c("rfc4475", "clerr", "3.1.2.2", "Content Length Larger Than Message", "truncated-body", 400),
  c("rfc4475", "ncl", "3.1.2.3", "Negative Content-Length", "content-length", 400),
  c("rfc4475", "scalar02", "3.1.2.4", "Request Scalar Fields with Overlarge Values", "cseq", 400),
  c(
    "rfc4475",
    "scalarlg",
    "3.1.2.5",
    "Response Scalar Fields with Overlarge Values",
    "cseq",
    "none",
  ),
  c(
    "rfc4475",
    "quotbal",
    "3.1.2.6",
    "Unterminated Quoted String in Display Name",
    "header-value",
    400,
  ),
  c("rfc4475", "ltgtruri", "3.1.2.7", "<> Enclosing Request-URI", "uri", 400),
  c("rfc4475", "lwsruri", "3.1.2.8", "Malformed SIP Request-URI (embedded LWS)", "start-line", 400),
  // §3.1.2.9, §3.1.2.10, §3.1.2.12–§3.1.2.14 allow the liberal reading; we take it.
  c("rfc4475", "lwsstart", "3.1.2.9", "Multiple SP Separating Request-Line Elements", "ok", 200),
  c("rfc4475", "trws", "3.1.2.10", "SP Characters at End of Request-Line", "ok", 200),
  c("rfc4475", "escruri", "3.1.2.11", "Escaped Headers in SIP Request-URI", "ok", 400),
  c("rfc4475", "baddate", "3.1.2.12", "Invalid Time Zone in Date Header Field", "ok", 200),
  c("rfc4475", "regbadct", "3.1.2.13", "Failure to Enclose name-addr URI in <>", "ok", 405),
  c("rfc4475", "badaspec", "3.1.2.14", "Spaces within addr-spec", "ok", 200),
  c("rfc4475", "baddn", "3.1.2.15", "Non-token Characters in Display Name", "header-value", 400),
  c("rfc4475", "badvers", "3.1.2.16", "Unknown Protocol Version", "ok", 505),
  c(
    "rfc4475",
    "mismatch01",
    "3.1.2.17",
    "Start Line and CSeq Method Mismatch",
    "cseq-method-mismatch",
    400,
  ),
  c(
    "rfc4475",
    "mismatch02",
    "3.1.2.18",
    "Unknown Method with CSeq Method Mismatch",
    "cseq-method-mismatch",
    400,
  ),
  c("rfc4475", "bigcode", "3.1.2.19", "Overlarge Response Code", "status-code", "none"),
  c("rfc4475", "badbranch", "3.2.1", "Missing Transaction Identifier", "ok", 200),
  c("rfc4475", "insuf", "3.3.1", "Missing Required Header Fields", "missing-header", 400),
  c("rfc4475", "unkscm", "3.3.2", "Request-URI with Unknown Scheme", "ok", 416),
  c("rfc4475", "novelsc", "3.3.3", "Request-URI with Known but Atypical Scheme", "ok", 416),
  c("rfc4475", "unksm2", "3.3.4", "Unknown URI Schemes in Header Fields", "ok", 405),
  c("rfc4475", "bext01", "3.3.5", "Proxy-Require and Require", "ok", 420),
  c("rfc4475", "invut", "3.3.6", "Unknown Content-Type", "ok", 415),
  c("rfc4475", "regaut01", "3.3.7", "Unknown Authorization Scheme", "ok", 405),
  c(
    "rfc4475",
    "multi01",
    "3.3.8",
    "Multiple Values in Single Value Required Fields",
    "duplicate-header",
    400,
  ),
  c("rfc4475", "mcl01", "3.3.9", "Multiple Content-Length Values", "duplicate-header", 400),
  c(
    "rfc4475",
    "bcast",
    "3.3.10",
    "200 OK Response with Broadcast Via Header Field Value",
    "ok",
    "none",
  ),
  c("rfc4475", "zeromf", "3.3.11", "Max-Forwards of Zero", "ok", 200),
  c("rfc4475", "cparam01", "3.3.12", "REGISTER with a Contact Header Parameter", "ok", 405),
  c("rfc4475", "cparam02", "3.3.13", "REGISTER with a url-parameter", "ok", 405),
  c("rfc4475", "regescrt", "3.3.14", "REGISTER with a URL Escaped Header", "ok", 405),
  c("rfc4475", "sdp01", "3.3.15", "Unacceptable Accept Offering", "ok", 406),
  c("rfc4475", "inv2543", "3.4.1", "INVITE with RFC 2543 Syntax", "ok", 200),
  c("rfc5118", "ipv6-good", "4.1", "Valid SIP Message with an IPv6 Reference", "ok", 405),
  c("rfc5118", "ipv6-bad", "4.2", "Invalid SIP Message with an IPv6 Reference", "uri", 400),
  c("rfc5118", "port-ambiguous", "4.3", "Port Ambiguous in a SIP URI", "ok", 405),
  c("rfc5118", "port-unambiguous", "4.4", "Port Unambiguous in a SIP URI", "ok", 405),
  c(
    "rfc5118",
    "via-received-param-with-delim",
    "4.5",
    "IPv6 Reference Delimiters in Via Header",
    "ok",
    481,
  ),
  c(
    "rfc5118",
    "via-received-param-no-delim",
    "4.5",
    "IPv6 Reference Delimiters in Via Header",
    "ok",
    200,
  ),
  c("rfc5118", "ipv6-in-sdp", "4.6", "SIP Request with IPv6 Addresses in SDP Body", "ok", 200),
  c("rfc5118", "mult-ip-in-header", "4.7", "Multiple IP Addresses in SIP Headers", "ok", 481),
  c("rfc5118", "mult-ip-in-sdp", "4.8", "Multiple IP Addresses in SDP", "ok", 200),
  c("rfc5118", "ipv4-mapped-ipv6", "4.9", "IPv4-Mapped IPv6 Addresses", "ok", 200),
  c("rfc5118", "ipv6-bug-abnf-3-colons", "4.10", "IPv6 Reference Bug in RFC 3261 ABNF", "ok", 200),
  c(
    "rfc5118",
    "ipv6-correct-abnf-2-colons",
    "4.10",
    "IPv6 Reference Bug in RFC 3261 ABNF",
    "ok",
    200,
  ),
];
