"""Server-rendered pages that need no build step: the front door and the invitation page."""
