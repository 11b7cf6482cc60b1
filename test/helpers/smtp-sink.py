# A real SMTP server for tests (Debian's python3-aiosmtpd, independent of nodemailer):
# listens on 127.0.0.1:<port> and appends every message it accepts to <file> as one JSON
# line {mail_from, rcpt_tos, subject, parts: {content type: decoded text}, data}. Prints "READY <port>" once it accepts connections,
# then runs until stdin closes or it is killed.
import json
import sys
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        # Python's own e-mail parser decodes the headers (RFC 2047) and the parts
        # (quoted-printable, base64), so the test reads what a mail client would show.
        message = message_from_bytes(envelope.content, policy=default_policy)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_type()] = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(message["subject"]),
            "parts": parts,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK"


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


main()
