"""Operator tools behind ``samsnakk …``: deploy files, reports, imports, audit checks.

Each runs once from the command line (cli.py) and exits; none is part of the running bot.
"""
