"""Paper walk sheets keyed back in after a paper canvass (docs/phones-and-mail.md)."""
