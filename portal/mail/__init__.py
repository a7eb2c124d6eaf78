"""Outgoing mail: the outbox (one row per message, written with its cause) and, until SMTP delivery
comes, the development drop that writes each committed message to a file only the developer reads.

No page, export, log line or API answer shows a message's body: it may carry a reset or invitation
secret meant for its recipient alone (DESIGN §13).
"""
