"""Mail (DESIGN §14).

Out: the outbox (one row per message, written with its cause: outbox.py, notifications.py),
delivered over SMTP by `flask mail deliver` (delivery.py, compose.py), or written to the
development drop when no SMTP server is configured. No page, export, log line or API answer shows
an outgoing message's body: it may carry a reset or invitation secret meant for its recipient
alone (DESIGN §13).

In: `flask mail receive` (an MTA's pipe) and `flask mail fetch` (IMAP, imap.py) hand each message
to receive.py, which reads it with inbound.py and makes it a reply, a follow-up or a new request
through the ticket services, or keeps it as rejected mail with its reason (inbox.py, for admins).
"""
