"""Tracked links: short links with a source code for posts, channels and ads, their clicks,
and the sign-ups and gifts that follow (docs/phones-and-mail.md)."""
