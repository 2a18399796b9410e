"""Fundraising work: receipts and thank-yous, best-efforts requests, call time and pledges,
goals and totals (above the donations room, which tells it of each gift by a signal)."""
