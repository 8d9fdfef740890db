"""The login broker: one OpenID Provider for MAS, in front of HelseID and ID-porten.

See README.md beside this file, and D80–D82 in docs/architecture.md.
"""
