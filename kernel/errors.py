"""The one shape of a refusal shihyo explains to people: a message in Japanese and in
English, kept apart so that each face shows the reader's language."""

from __future__ import annotations


class BilingualError(Exception):
    """An error whose message is given in Japanese and in English."""

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(f"{message_ja} / {message_en}")
        self.message_ja = message_ja
        self.message_en = message_en

    @property
    def reason_ja(self) -> str:  # the parsers call their message a reason
        return self.message_ja

    @property
    def reason_en(self) -> str:
        return self.message_en
