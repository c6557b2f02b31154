"""A plain XMPP client (slixmpp) that knows nothing of Duet's profile, as a contact of a Duet
user: it approves and asks for presence subscriptions with PEER, reports every presence and
chat message it gets from PEER on stdout (one line each), and answers each chat message in
its thread. It stops on "bye" or when its time is up.

Usage: python3 slixmpp_contact.py JID PASSWORD HOST PORT PEER_JID SECONDS
Lines: READY | PRESENCE <type> show=<show> status=<status> | GOT <body> THREAD <thread>
"""

import asyncio
import sys

import slixmpp


class PlainContact(slixmpp.ClientXMPP):
    def __init__(self, jid, password, peer):
        super().__init__(jid, password)
        self.peer = peer
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0199")
        self.roster.auto_authorize = True
        self.roster.auto_subscribe = True
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("presence", self.on_presence)

    async def on_start(self, _event):
        self.send_presence()
        await self.get_roster()
        self.send_presence_subscription(pto=self.peer)
        print("READY", flush=True)

    def on_presence(self, pres):
        if pres["from"].bare != self.peer:
            return
        kind = pres["type"]
        if kind not in ("available", "unavailable", "dnd", "away", "xa", "chat"):
            return
        show = pres["show"] or "-"
        status = pres["status"] or "-"
        print("PRESENCE", kind, "show=" + show, "status=" + status, flush=True)

    def on_message(self, msg):
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        print("GOT", msg["body"], "THREAD", msg["thread"] or "-", flush=True)
        if msg["body"] == "bye":
            self.disconnect()
            return
        reply = msg.reply("plain reply: " + msg["body"])
        reply["thread"] = msg["thread"]
        reply.send()


def main():
    jid, password, host, port, peer, seconds = sys.argv[1:7]
    xmpp = PlainContact(jid, password, peer)
    xmpp.connect((host, int(port)), force_starttls=False, disable_starttls=True)
    loop = asyncio.get_event_loop()
    loop.run_until_complete(asyncio.wait([xmpp.disconnected], timeout=float(seconds)))


if __name__ == "__main__":
    main()
