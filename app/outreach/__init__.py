"""Messages to people: an outbox table and pluggable senders (email, SMS, later push)."""
