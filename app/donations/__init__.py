"""Money: donors, donations, the committee's rules and its reports."""
