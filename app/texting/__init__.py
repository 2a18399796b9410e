"""Texting: peer-to-peer text banks (Spoke's way) and broadcasts to people who agreed."""
