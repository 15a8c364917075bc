"""A local SMTP sink for `make cluster`: keeps every message, or refuses them all.

    python scripts/smtp_sink.py --port 12525 --folder var/cluster/mail

Each accepted message is appended to FOLDER/received.jsonl (time, Message-ID,
recipients, subject). While the file FOLDER/refuse exists, every recipient is
answered "451 try again later", as a mail server that is full or restarting
answers: the portal's task worker must keep the message and try again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder: Path):
        self.folder = folder
        self.log = folder / "received.jsonl"
        self.refuse_flag = folder / "refuse"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse_flag.exists():
            return "451 4.3.2 Service busy: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=default_policy)
        record = {
            "at": time.time(),
            "message_id": message.get("Message-ID", ""),
            "to": envelope.rcpt_tos,
            "subject": str(message.get("Subject", "")),
        }
        with self.log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        return "250 Message accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12525)
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(args.folder), hostname=args.host, port=args.port)
    controller.start()
    print(f"smtp sink on {args.host}:{args.port}, messages in {args.folder}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
