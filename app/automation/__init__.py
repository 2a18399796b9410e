"""Automatic follow-ups: rules that act on people after something happened to them."""
