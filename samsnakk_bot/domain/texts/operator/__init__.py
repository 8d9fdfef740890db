"""Texts for operators (doctor, CLI): not translated; bokmål with English."""
