"""Delivery channels for varsler: Matrix DM, SMS providers and e-post."""
