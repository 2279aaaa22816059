"""Alerts: the rules that open and resolve them, the messages, and the channels
(Apprise URLs) that carry them to people."""
