"""Sign-in, tokens, throttling and the role/permission table."""
