#!/usr/bin/env python3
"""A real SMTP server for the several-servers test (tests/several_servers.rs).

    python smtp_sink.py --port 0 --out FILE

Listens on 127.0.0.1 (port 0: a free one), prints "listening on
127.0.0.1:PORT" as one line on standard output, then serves until killed.
Every accepted message is appended to FILE as one JSON line (the envelope's
recipients, the Message-ID, Subject and To headers, and the sender's
address and port), written and flushed before the 250 that accepts it, so a
message the sender heard accepted is always in the file. RCPT TO a local
part starting with "bounce" (e.g. bounce@fabrikam.com) is refused with
550 5.1.1; other recipients of the same message are kept. A message to a
local part starting with "slow" is recorded at once but its 250 is held
back for --hold-ms (default 1000): the window in which a sender that dies
has had its message accepted without hearing so.

aiosmtpd (pinned by cargo xtask: aiosmtpd==1.4.6) speaks the protocol.
"""

import argparse
import asyncio
import email.parser
import email.policy
import json
import os
import sys
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, out, hold):
        self.out = out
        self.hold = hold
        self.accepted = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.rsplit("@", 1)[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b""
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)

        def header(name):
            value = headers.get(name)
            return None if value is None else str(value).strip()

        self.accepted += 1
        record = {
            "n": self.accepted,
            "at": time.time(),
            "peer": list(session.peer) if session.peer else None,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": header("Message-ID"),
            "subject": header("Subject"),
            "to": header("To"),
        }
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()
        os.fsync(self.out.fileno())
        if any(r.rsplit("@", 1)[0].lower().startswith("slow") for r in envelope.rcpt_tos):
            await asyncio.sleep(self.hold)
        return "250 2.0.0 message accepted"


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", required=True, help="JSON lines file, appended to")
    parser.add_argument(
        "--hold-ms", type=int, default=1000, help='how long the 250 for "slow…" recipients waits'
    )
    args = parser.parse_args()

    out = open(args.out, "a", encoding="utf-8")
    sink = Sink(out, args.hold_ms / 1000)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            sink,
            hostname="sink.test",
            enable_SMTPUTF8=True,
            # No limit on commands per session: a sender that keeps its
            # connection open for many messages is fine.
            command_call_limit=None,
            loop=loop,
        ),
        host=args.host,
        port=args.port,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening on {args.host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
