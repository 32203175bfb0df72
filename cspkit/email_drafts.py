"""Email drafts as ``.eml`` files, made with the standard library's ``email`` package.

A draft carries ``X-Unsent: 1``, which makes Outlook open it as a message to send (To, Subject,
body and attachments filled in, a Send button), not as one received; Thunderbird and Apple
Mail open it for sending too. Nothing is sent: the officer reads it, and sends it.

The same draft gives the same bytes (the MIME boundary comes from the content), so a draft
written twice is the same file.
"""

from __future__ import annotations

import email.policy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class Recipient:
    """Someone a draft is addressed to: their name as the registry writes it, and their address."""

    name: str
    address: str

    def header(self) -> Address:
        local, _, domain = self.address.partition("@")
        return Address(display_name=self.name, username=local, domain=domain)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str


@dataclass
class Draft:
    """One email to be sent by a person: headers, a plain-text body, attachments."""

    subject: str
    body: str
    sender: str | None = None
    to: Sequence[Recipient] = ()
    cc: Sequence[Recipient] = ()
    attachments: list[Attachment] = field(default_factory=list)

    def message(self) -> EmailMessage:
        """The draft as an :class:`email.message.EmailMessage`."""
        msg = EmailMessage(policy=email.policy.SMTP)
        msg["X-Unsent"] = "1"
        if self.sender:
            msg["From"] = self.sender
        # An empty To still goes in: the draft opens with the field there to fill in.
        msg["To"] = [r.header() for r in self.to] if self.to else ""
        if self.cc:
            msg["Cc"] = [r.header() for r in self.cc]
        msg["Subject"] = self.subject
        msg.set_content(self.body)
        for a in self.attachments:
            maintype, _, subtype = a.content_type.partition("/")
            msg.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.filename)
        if msg.is_multipart():
            digest = hashlib.sha256(self.body.encode("utf-8"))
            for a in self.attachments:
                digest.update(hashlib.sha256(a.data).digest())
            msg.set_boundary(f"=_{digest.hexdigest()[:32]}")
        return msg

    def to_bytes(self) -> bytes:
        """The ``.eml`` file's bytes (CRLF line endings, as mail is written)."""
        return self.message().as_bytes()
