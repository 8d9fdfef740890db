"""Samsnakk: Matrix appservice and E2EE bot for brukerrom."""
