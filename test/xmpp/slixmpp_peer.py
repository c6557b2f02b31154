"""A plain XMPP client (slixmpp) for the interop test: it greets a peer, echoes every chat
message back in the same thread (with XEP-0184 receipts on), and reports what it saw on
stdout, one line per event, until it gets "bye" or its time is up.

Usage: python3 slixmpp_peer.py JID PASSWORD HOST PORT PEER_JID
"""

import asyncio
import sys

import slixmpp


class EchoPeer(slixmpp.ClientXMPP):
    def __init__(self, jid, password, peer):
        super().__init__(jid, password)
        self.peer = peer
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0199")
        self.register_plugin("xep_0184")
        self["xep_0184"].auto_ack = True
        self["xep_0184"].auto_request = True
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("receipt_received", self.on_receipt)

    async def on_start(self, _event):
        self.send_presence()
        await self.get_roster()
        print("READY", flush=True)
        self.send_message(mto=self.peer, mbody="hello from slixmpp", mtype="chat")

    def on_message(self, msg):
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        print("GOT", msg["body"], "THREAD", msg["thread"] or "-", flush=True)
        if msg["body"] == "bye":
            self.disconnect()
            return
        reply = msg.reply("echo: " + msg["body"])
        reply["thread"] = msg["thread"]
        reply.send()

    def on_receipt(self, msg):
        print("RECEIPT", msg["receipt"], flush=True)


def main():
    jid, password, host, port, peer = sys.argv[1:6]
    xmpp = EchoPeer(jid, password, peer)
    # The sandbox is plaintext unless started with TLS: do not insist on STARTTLS.
    xmpp.connect((host, int(port)), force_starttls=False, disable_starttls=True)
    loop = asyncio.get_event_loop()
    loop.run_until_complete(asyncio.wait_for(xmpp.disconnected, timeout=60))
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
