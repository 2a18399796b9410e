"""Direct mail: mail files from universes for a mail house, each drop recorded and written in
its recipients' histories, and the responses through a piece's code (docs/phones-and-mail.md)."""
